using System.Globalization;

namespace KnnCli.Engine;

public enum PredictorType { Classifier, Regressor }

public enum IndexType { Flat, IvfFlat, IvfPq }

public enum IndexMetric { L2, InnerProduct, Cosine }

public enum DimensionReductionType { None, Sign, Fjlt }

/// <summary>An invalid hyperparameter or combination; the message is SageMaker-style and names the hyperparameter.</summary>
public sealed class HyperparameterException(string message) : Exception(message);

/// <summary>
/// SageMaker k-NN hyperparameters, parsed from the string map a training job carries and validated with the
/// container's rules, so both targets refuse the same input with the same message.
/// </summary>
public sealed record KnnHyperparameters
{
    /// <summary>The values of faiss_index_pq_m that SageMaker accepts.</summary>
    public static readonly IReadOnlyList<int> AllowedPqM = [1, 2, 3, 4, 8, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64, 96];

    /// <summary>Hyperparameters the container accepts and ignores (set by SageMaker itself, e.g. by tuning jobs).</summary>
    private static readonly HashSet<string> IgnoredNames = ["_tuning_objective_metric", "epochs", "_kvstore", "_num_gpus", "_num_kv_servers", "_log_level", "_enable_profiler"];

    public required int K { get; init; }
    public required int SampleSize { get; init; }
    public required PredictorType PredictorType { get; init; }
    /// <summary>Null means "auto": taken from the data.</summary>
    public int? FeatureDim { get; init; }
    public IndexType IndexType { get; init; } = IndexType.Flat;
    public IndexMetric IndexMetric { get; init; } = IndexMetric.L2;
    public DimensionReductionType DimensionReductionType { get; init; } = DimensionReductionType.None;
    public int? DimensionReductionTarget { get; init; }
    /// <summary>Null means "auto": sqrt(sample_size).</summary>
    public int? IvfNlists { get; init; }
    public int? PqM { get; init; }
    public int MiniBatchSize { get; init; } = 5000;
    /// <summary>The container's hidden IVF probe count (default-conf.json `_faiss_index_nprobe`).</summary>
    public int IvfNprobe { get; init; } = 5;
    /// <summary>Seed for sampling and dimension reduction, so a run can be reproduced.</summary>
    public int Seed { get; init; }

    /// <summary>The names Parse was given, with their values: each is sent again even where it equals the default.</summary>
    private IReadOnlyDictionary<string, string> Given { get; init; } = new Dictionary<string, string>();

    /// <summary>Parses SageMaker's string map (names in snake case, values as strings) and validates it.</summary>
    public static KnnHyperparameters Parse(IReadOnlyDictionary<string, string> values)
    {
        foreach (var name in values.Keys)
        {
            if (!KnownNames.Contains(name) && !IgnoredNames.Contains(name))
                throw new HyperparameterException($"Unknown hyperparameter '{name}'. Known: {string.Join(", ", KnownNames.Order())}.");
        }

        string? Get(string name) => values.TryGetValue(name, out var v) ? v.Trim() : null;

        var hp = new KnnHyperparameters
        {
            K = RequiredPositiveInt(Get("k"), "k"),
            SampleSize = RequiredPositiveInt(Get("sample_size"), "sample_size"),
            PredictorType = Get("predictor_type") switch
            {
                null => throw new HyperparameterException("Missing required hyperparameter 'predictor_type' (classifier or regressor)."),
                "classifier" => PredictorType.Classifier,
                "regressor" => PredictorType.Regressor,
                var other => throw new HyperparameterException($"Invalid value '{other}' for hyperparameter 'predictor_type': expected classifier or regressor."),
            },
            FeatureDim = Get("feature_dim") is null or "auto" ? null : PositiveInt(Get("feature_dim")!, "feature_dim"),
            IndexType = Get("index_type") switch
            {
                null or "faiss.Flat" => IndexType.Flat,
                "faiss.IVFFlat" => IndexType.IvfFlat,
                "faiss.IVFPQ" => IndexType.IvfPq,
                var other => throw new HyperparameterException($"Invalid value '{other}' for hyperparameter 'index_type': expected faiss.Flat, faiss.IVFFlat or faiss.IVFPQ."),
            },
            IndexMetric = Get("index_metric") switch
            {
                null or "L2" => IndexMetric.L2,
                "INNER_PRODUCT" => IndexMetric.InnerProduct,
                "COSINE" => IndexMetric.Cosine,
                var other => throw new HyperparameterException($"Invalid value '{other}' for hyperparameter 'index_metric': expected L2, INNER_PRODUCT or COSINE."),
            },
            DimensionReductionType = Get("dimension_reduction_type") switch
            {
                null => DimensionReductionType.None,
                "sign" => DimensionReductionType.Sign,
                "fjlt" => DimensionReductionType.Fjlt,
                var other => throw new HyperparameterException($"Invalid value '{other}' for hyperparameter 'dimension_reduction_type': expected sign or fjlt."),
            },
            DimensionReductionTarget = Get("dimension_reduction_target") is { } t ? PositiveInt(t, "dimension_reduction_target") : null,
            IvfNlists = Get("faiss_index_ivf_nlists") is null or "auto" ? null : PositiveInt(Get("faiss_index_ivf_nlists")!, "faiss_index_ivf_nlists"),
            PqM = Get("faiss_index_pq_m") is { } m ? PositiveInt(m, "faiss_index_pq_m") : null,
            MiniBatchSize = Get("mini_batch_size") is { } b ? PositiveInt(b, "mini_batch_size") : 5000,
            IvfNprobe = Get("_faiss_index_nprobe") is { } p ? PositiveInt(p, "_faiss_index_nprobe") : 5,
            Seed = Get("_seed") is { } s ? NonNegativeInt(s, "_seed") : 0,
            Given = values.ToDictionary(v => v.Key, v => v.Value.Trim(), StringComparer.Ordinal),
        };
        hp.Validate();
        return hp;
    }

    private static readonly HashSet<string> KnownNames =
    [
        "k", "sample_size", "predictor_type", "feature_dim", "index_type", "index_metric", "dimension_reduction_type",
        "dimension_reduction_target", "faiss_index_ivf_nlists", "faiss_index_pq_m", "mini_batch_size", "_faiss_index_nprobe", "_seed",
    ];

    /// <summary>Cross-field rules, checked before any job starts.</summary>
    public void Validate()
    {
        if (K < 1) throw new HyperparameterException($"Invalid value '{K}' for hyperparameter 'k': must be a positive integer.");
        if (SampleSize < 1) throw new HyperparameterException($"Invalid value '{SampleSize}' for hyperparameter 'sample_size': must be a positive integer.");
        if (DimensionReductionType != DimensionReductionType.None && DimensionReductionTarget is null)
            throw new HyperparameterException("Hyperparameter 'dimension_reduction_target' is required when 'dimension_reduction_type' is set.");
        if (DimensionReductionType == DimensionReductionType.None && DimensionReductionTarget is not null)
            throw new HyperparameterException("Hyperparameter 'dimension_reduction_target' is set but 'dimension_reduction_type' is not.");
        if (FeatureDim is { } d && DimensionReductionTarget is { } target && target >= d)
            throw new HyperparameterException($"Invalid value '{target}' for hyperparameter 'dimension_reduction_target': must be less than feature_dim ({d}).");
        if (IndexType == IndexType.IvfPq && IndexMetric != IndexMetric.L2)
            throw new HyperparameterException($"Hyperparameter 'index_metric' {MetricName(IndexMetric)} is not supported with index_type faiss.IVFPQ; use L2.");
        if (IndexType == IndexType.IvfPq && PqM is null)
            throw new HyperparameterException("Hyperparameter 'faiss_index_pq_m' is required when 'index_type' is faiss.IVFPQ.");
        if (PqM is { } pqm && !AllowedPqM.Contains(pqm))
            throw new HyperparameterException($"Invalid value '{pqm}' for hyperparameter 'faiss_index_pq_m': expected one of {string.Join(", ", AllowedPqM)}.");
    }

    /// <summary>Checks the hyperparameters against the data's real feature count.</summary>
    public void ValidateAgainst(int featureCount)
    {
        if (FeatureDim is { } d && d != featureCount)
            throw new HyperparameterException($"Hyperparameter 'feature_dim' is {d} but the data has {featureCount} feature columns.");
        if (DimensionReductionTarget is { } target && target >= featureCount)
            throw new HyperparameterException($"Invalid value '{target}' for hyperparameter 'dimension_reduction_target': must be less than feature_dim ({featureCount}).");
    }

    /// <summary>
    /// The hyperparameters as SageMaker's string map (what CreateTrainingJob sends): every value that differs from the
    /// container's default, and every name that was given, so nothing knn accepts is dropped on the way.
    /// </summary>
    public Dictionary<string, string> ToStringMap()
    {
        var map = NonDefaultMap();
        var all = AllValues();
        foreach (var (name, value) in Given)
            map.TryAdd(name, all.TryGetValue(name, out var typed) ? typed : value);
        return map;
    }

    /// <summary>Every typed hyperparameter by SageMaker name, defaults included (ignored names are sent as given).</summary>
    private Dictionary<string, string> AllValues()
    {
        var map = NonDefaultMap();
        map.TryAdd("feature_dim", "auto");
        map.TryAdd("index_type", IndexTypeName(IndexType));
        map.TryAdd("index_metric", MetricName(IndexMetric));
        map.TryAdd("faiss_index_ivf_nlists", "auto");
        map.TryAdd("mini_batch_size", Invariant(MiniBatchSize));
        map.TryAdd("_faiss_index_nprobe", Invariant(IvfNprobe));
        map.TryAdd("_seed", Invariant(Seed));
        return map;
    }

    private Dictionary<string, string> NonDefaultMap()
    {
        var map = new Dictionary<string, string>
        {
            ["k"] = Invariant(K),
            ["sample_size"] = Invariant(SampleSize),
            ["predictor_type"] = PredictorType == PredictorType.Classifier ? "classifier" : "regressor",
        };
        if (FeatureDim is { } d) map["feature_dim"] = Invariant(d);
        if (IndexType != IndexType.Flat) map["index_type"] = IndexTypeName(IndexType);
        if (IndexMetric != IndexMetric.L2) map["index_metric"] = MetricName(IndexMetric);
        if (DimensionReductionType != DimensionReductionType.None)
            map["dimension_reduction_type"] = DimensionReductionType == DimensionReductionType.Sign ? "sign" : "fjlt";
        if (DimensionReductionTarget is { } t) map["dimension_reduction_target"] = Invariant(t);
        if (IvfNlists is { } n) map["faiss_index_ivf_nlists"] = Invariant(n);
        if (PqM is { } m) map["faiss_index_pq_m"] = Invariant(m);
        if (MiniBatchSize != 5000) map["mini_batch_size"] = Invariant(MiniBatchSize);
        if (IvfNprobe != 5) map["_faiss_index_nprobe"] = Invariant(IvfNprobe);
        if (Seed != 0) map["_seed"] = Invariant(Seed);
        return map;
    }

    /// <summary>The values each choice hyperparameter takes, as SageMaker spells them (shell completion offers them).</summary>
    public static readonly string[] PredictorTypeNames = ["classifier", "regressor"];
    public static readonly string[] IndexTypeNames = ["faiss.Flat", "faiss.IVFFlat", "faiss.IVFPQ"];
    public static readonly string[] IndexMetricNames = ["L2", "INNER_PRODUCT", "COSINE"];
    public static readonly string[] DimensionReductionTypeNames = ["sign", "fjlt"];

    public static string MetricName(IndexMetric metric) => metric switch
    {
        IndexMetric.L2 => "L2",
        IndexMetric.InnerProduct => "INNER_PRODUCT",
        _ => "COSINE",
    };

    public static string IndexTypeName(IndexType type) => type switch
    {
        IndexType.Flat => "faiss.Flat",
        IndexType.IvfFlat => "faiss.IVFFlat",
        _ => "faiss.IVFPQ",
    };

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int RequiredPositiveInt(string? value, string name) =>
        value is null ? throw new HyperparameterException($"Missing required hyperparameter '{name}'.") : PositiveInt(value, name);

    private static int PositiveInt(string value, string name) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n
            : throw new HyperparameterException($"Invalid value '{value}' for hyperparameter '{name}': must be a positive integer.");

    private static int NonNegativeInt(string value, string name) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n
            : throw new HyperparameterException($"Invalid value '{value}' for hyperparameter '{name}': must be a non-negative integer.");
}
