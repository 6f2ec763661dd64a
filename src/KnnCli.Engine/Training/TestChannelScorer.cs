namespace KnnCli.Engine.Training;

/// <summary>
/// Scores a model on the test channel as SageMaker's container does: rows stream in, are predicted one
/// mini-batch (mini_batch_size rows) at a time, so memory stays bounded by one batch, and one final score is
/// reported: test:accuracy for a classifier, test:mse for a regressor.
/// </summary>
public sealed class TestChannelScorer
{
    private readonly KnnModel _model;
    private readonly int _batchRows;
    private readonly float[] _features;
    private readonly float[] _labels;
    private readonly float[] _predictions;
    private int _pending;
    private long _correct;
    private double _squaredError;

    public TestChannelScorer(KnnModel model, int miniBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(miniBatchSize, 1);
        _model = model;
        _batchRows = miniBatchSize;
        _features = new float[miniBatchSize * model.FeatureDimension];
        _labels = new float[miniBatchSize];
        _predictions = new float[miniBatchSize];
    }

    /// <summary>"accuracy" for a classifier, "mse" for a regressor: the name in <c>test:&lt;metric&gt;</c>.</summary>
    public string MetricName => _model.Metadata.Predictor == PredictorType.Classifier ? "accuracy" : "mse";

    /// <summary>Rows scored so far (flushed batches only).</summary>
    public long Count { get; private set; }

    /// <summary>Mini-batches searched so far.</summary>
    public int Batches { get; private set; }

    /// <summary>The metric over every row added, after <see cref="Flush"/>.</summary>
    public double Score => Count == 0 ? double.NaN
        : _model.Metadata.Predictor == PredictorType.Classifier ? (double)_correct / Count : _squaredError / Count;

    public void Add(ReadOnlySpan<float> features, float label)
    {
        if (features.Length != _model.FeatureDimension)
            throw new ArgumentException($"A test row needs {_model.FeatureDimension} features, got {features.Length}.", nameof(features));
        features.CopyTo(_features.AsSpan(_pending * _model.FeatureDimension));
        _labels[_pending++] = label;
        if (_pending == _batchRows) Flush();
    }

    /// <summary>Predicts the rows still waiting in a partial mini-batch.</summary>
    public void Flush()
    {
        if (_pending == 0) return;
        _model.Predict(_features.AsSpan(0, _pending * _model.FeatureDimension), _predictions);
        for (var i = 0; i < _pending; i++)
        {
            if (_predictions[i] == _labels[i]) _correct++;
            var error = (double)_predictions[i] - _labels[i];
            _squaredError += error * error;
        }
        Count += _pending;
        Batches++;
        _pending = 0;
    }
}
