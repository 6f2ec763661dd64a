using KnnCli.Engine.Index;
using KnnCli.Engine.Reduction;

namespace KnnCli.Engine.Training;

/// <summary>Builds the index SageMaker's container would build from a sample, per the hyperparameters.</summary>
public static class KnnModelBuilder
{
    /// <param name="vectors">The sampled vectors, row-major; the model may keep (and normalise) this array.</param>
    /// <remarks>
    /// k may exceed the number of sampled points: the model keeps k (SageMaker lets model_algo-1.json's k be edited
    /// too) and predicts with <see cref="KnnModel.EffectiveK"/> = all the points; the trainer warns about it.
    /// </remarks>
    public static KnnModel Build(float[] vectors, float[] labels, int featureDimension, KnnHyperparameters hyperparameters)
    {
        hyperparameters.ValidateAgainst(featureDimension);
        var count = labels.Length;
        if (count == 0) throw new HyperparameterException("The train channel holds no rows to index.");
        if (vectors.Length != (long)count * featureDimension)
            throw new ArgumentException($"{count} labels need {count} × {featureDimension} features, got {vectors.Length} floats.", nameof(vectors));

        var reduction = CreateReduction(featureDimension, hyperparameters);
        var transform = reduction is null ? null : RandomProjection.Create(reduction);
        var dimension = transform?.OutputDimension ?? featureDimension;
        if (transform is not null)
        {
            var reduced = new float[count * dimension];
            transform.Apply(vectors, reduced);
            vectors = reduced;
        }
        var normalize = hyperparameters.IndexMetric == IndexMetric.Cosine;
        if (normalize) VectorMath.NormalizeRows(vectors, dimension);

        var metadata = new ModelMetadata
        {
            K = hyperparameters.K,
            PredictorType = hyperparameters.PredictorType == PredictorType.Classifier ? "classifier" : "regressor",
            DimensionReduction = reduction,
            Normalize = normalize,
            IndexType = KnnHyperparameters.IndexTypeName(hyperparameters.IndexType),
            IndexMetric = KnnHyperparameters.MetricName(hyperparameters.IndexMetric),
            FeatureDim = featureDimension,
        };
        return new KnnModel(BuildIndex(vectors, count, dimension, hyperparameters), labels, metadata, transform);
    }

    /// <summary>
    /// faiss_index_ivf_nlists "auto": √(points sampled), rounded; the sample is what the index is trained on,
    /// so this equals SageMaker's √sample_size whenever the train channel fills the sample.
    /// </summary>
    public static int AutoListCount(int sampledPoints) => Math.Max(1, (int)Math.Round(Math.Sqrt(sampledPoints)));

    private static IKnnIndex BuildIndex(float[] vectors, int count, int dimension, KnnHyperparameters hp)
    {
        var storedMetric = hp.IndexMetric == IndexMetric.L2 ? IndexMetric.L2 : IndexMetric.InnerProduct;
        if (hp.IndexType == IndexType.Flat) return new FlatIndex(dimension, storedMetric, vectors);

        var typeName = KnnHyperparameters.IndexTypeName(hp.IndexType);
        var nlist = hp.IvfNlists ?? AutoListCount(count);
        if (count < nlist)
            throw new HyperparameterException(
                $"index_type {typeName} with faiss_index_ivf_nlists = {nlist}{(hp.IvfNlists is null ? " (auto)" : "")} needs at least {nlist} training points " +
                $"to train its {nlist} centroids, but the sample holds {count}: lower faiss_index_ivf_nlists or give the train channel more rows.");
        if (hp.IndexType == IndexType.IvfFlat)
            return IvfFlatIndex.Train(vectors, dimension, storedMetric, nlist, hp.IvfNprobe, hp.Seed);

        if (count < IvfPqIndex.CodebookSize)
            throw new HyperparameterException(
                $"index_type {typeName} needs at least {IvfPqIndex.CodebookSize} training points to train its product-quantizer codebooks " +
                $"({IvfPqIndex.CodebookSize} centroids per sub-quantizer), but the sample holds {count}: use faiss.IVFFlat or faiss.Flat, or give the train channel more rows.");
        return IvfPqIndex.Train(vectors, dimension, nlist, hp.PqM!.Value, hp.IvfNprobe, hp.Seed);
    }

    /// <summary>
    /// The reduction to apply, if any. With IVFPQ the target is raised to the next multiple of faiss_index_pq_m,
    /// as SageMaker does, so the reduced vectors need no padding.
    /// </summary>
    private static DimensionReductionInfo? CreateReduction(int featureDimension, KnnHyperparameters hp)
    {
        if (hp.DimensionReductionType == DimensionReductionType.None) return null;
        var target = hp.DimensionReductionTarget!.Value;
        if (hp.IndexType == IndexType.IvfPq && hp.PqM is { } m) target = (target + m - 1) / m * m;
        var type = hp.DimensionReductionType == DimensionReductionType.Sign ? RandomProjection.SignName : RandomProjection.FjltName;
        return new DimensionReductionInfo(type, hp.Seed, target, featureDimension);
    }
}
