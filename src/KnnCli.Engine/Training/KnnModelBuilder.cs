using KnnCli.Engine.Index;

namespace KnnCli.Engine.Training;

/// <summary>Builds the index SageMaker's container would build from a sample, per the hyperparameters.</summary>
public static class KnnModelBuilder
{
    /// <param name="vectors">The sampled vectors, row-major; the model may keep (and normalise) this array.</param>
    public static KnnModel Build(float[] vectors, float[] labels, int featureDimension, KnnHyperparameters hyperparameters)
    {
        hyperparameters.ValidateAgainst(featureDimension);
        if (labels.Length == 0) throw new HyperparameterException("The train channel holds no rows to index.");
        if (hyperparameters.DimensionReductionType != DimensionReductionType.None)
            throw new HyperparameterException("Hyperparameter 'dimension_reduction_type' is not supported by the local engine yet.");

        var normalize = hyperparameters.IndexMetric == IndexMetric.Cosine;
        if (normalize) VectorMath.NormalizeRows(vectors, featureDimension);
        var storedMetric = hyperparameters.IndexMetric == IndexMetric.L2 ? IndexMetric.L2 : IndexMetric.InnerProduct;
        IKnnIndex index = hyperparameters.IndexType switch
        {
            IndexType.Flat => new FlatIndex(featureDimension, storedMetric, vectors),
            var other => throw new HyperparameterException($"Hyperparameter 'index_type' {KnnHyperparameters.IndexTypeName(other)} is not supported by the local engine yet."),
        };
        var metadata = new ModelMetadata
        {
            K = hyperparameters.K,
            PredictorType = hyperparameters.PredictorType == PredictorType.Classifier ? "classifier" : "regressor",
            Normalize = normalize,
            IndexType = KnnHyperparameters.IndexTypeName(hyperparameters.IndexType),
            IndexMetric = KnnHyperparameters.MetricName(hyperparameters.IndexMetric),
            FeatureDim = featureDimension,
        };
        return new KnnModel(index, labels, metadata);
    }
}
