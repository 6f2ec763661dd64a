using KnnCli.Engine;

namespace KnnCli.Core.Tests;

/// <summary>SageMaker's k-NN hyperparameter rules, as the container and the Python SDK apply them.</summary>
public sealed class HyperparameterValidationTests
{
    private static Dictionary<string, string> Base(params (string Name, string Value)[] extra)
    {
        var values = new Dictionary<string, string> { ["k"] = "5", ["sample_size"] = "100", ["predictor_type"] = "classifier" };
        foreach (var (name, value) in extra) values[name] = value;
        return values;
    }

    [Fact]
    public void Defaults_follow_the_container_configuration()
    {
        var hp = KnnHyperparameters.Parse(Base());
        Assert.Equal(IndexType.Flat, hp.IndexType);
        Assert.Equal(IndexMetric.L2, hp.IndexMetric);
        Assert.Equal(5000, hp.MiniBatchSize);
        Assert.Null(hp.FeatureDim);
        Assert.Null(hp.IvfNlists);
    }

    [Fact]
    public void Every_hyperparameter_given_is_in_the_map_a_training_job_sends()
    {
        var given = Base(("_faiss_index_nprobe", "10"), ("_seed", "7"), ("mini_batch_size", "5000"), ("index_type", "faiss.Flat"), ("epochs", "1"), ("feature_dim", " 4 "));
        var map = KnnHyperparameters.Parse(given).ToStringMap();
        Assert.Equal(new Dictionary<string, string>
        {
            ["k"] = "5", ["sample_size"] = "100", ["predictor_type"] = "classifier", ["feature_dim"] = "4", ["_faiss_index_nprobe"] = "10",
            ["_seed"] = "7", ["mini_batch_size"] = "5000", ["index_type"] = "faiss.Flat", ["epochs"] = "1",
        }, map);
    }

    [Fact]
    public void Values_set_in_code_are_sent_when_they_differ_from_the_containers_defaults()
    {
        var hp = KnnHyperparameters.Parse(Base()) with { IvfNprobe = 12, Seed = 3 };
        var map = hp.ToStringMap();
        Assert.Equal("12", map["_faiss_index_nprobe"]);
        Assert.Equal("3", map["_seed"]);
        Assert.DoesNotContain("mini_batch_size", map.Keys);
    }

    [Theory]
    [InlineData("k", "0", "Invalid value '0' for hyperparameter 'k': must be a positive integer.")]
    [InlineData("k", "two", "Invalid value 'two' for hyperparameter 'k': must be a positive integer.")]
    [InlineData("sample_size", "-1", "Invalid value '-1' for hyperparameter 'sample_size': must be a positive integer.")]
    [InlineData("predictor_type", "ranker", "Invalid value 'ranker' for hyperparameter 'predictor_type': expected classifier or regressor.")]
    [InlineData("index_type", "faiss.HNSW", "Invalid value 'faiss.HNSW' for hyperparameter 'index_type': expected faiss.Flat, faiss.IVFFlat or faiss.IVFPQ.")]
    [InlineData("index_metric", "L1", "Invalid value 'L1' for hyperparameter 'index_metric': expected L2, INNER_PRODUCT or COSINE.")]
    [InlineData("dimension_reduction_type", "pca", "Invalid value 'pca' for hyperparameter 'dimension_reduction_type': expected sign or fjlt.")]
    [InlineData("mini_batch_size", "0", "Invalid value '0' for hyperparameter 'mini_batch_size': must be a positive integer.")]
    [InlineData("no_such", "1", "Unknown hyperparameter 'no_such'.")]
    public void Invalid_values_are_refused_naming_the_hyperparameter(string name, string value, string expected)
    {
        var error = Assert.Throws<HyperparameterException>(() => KnnHyperparameters.Parse(Base((name, value))));
        Assert.StartsWith(expected.TrimEnd('.'), error.Message);
    }

    [Theory]
    [InlineData("k")]
    [InlineData("sample_size")]
    [InlineData("predictor_type")]
    public void Required_hyperparameters_must_be_present(string name)
    {
        var values = Base();
        values.Remove(name);
        var error = Assert.Throws<HyperparameterException>(() => KnnHyperparameters.Parse(values));
        Assert.Contains($"'{name}'", error.Message);
    }

    [Fact]
    public void Dimension_reduction_type_needs_a_target() =>
        Assert.Contains("'dimension_reduction_target' is required",
            Assert.Throws<HyperparameterException>(() => KnnHyperparameters.Parse(Base(("dimension_reduction_type", "sign")))).Message);

    [Fact]
    public void Dimension_reduction_target_must_be_below_feature_dim() =>
        Assert.Contains("must be less than feature_dim (10)",
            Assert.Throws<HyperparameterException>(() => KnnHyperparameters.Parse(Base(("feature_dim", "10"), ("dimension_reduction_type", "fjlt"), ("dimension_reduction_target", "10")))).Message);

    [Theory]
    [InlineData("INNER_PRODUCT")]
    [InlineData("COSINE")]
    public void Ivfpq_allows_only_l2(string metric) =>
        Assert.Contains("not supported with index_type faiss.IVFPQ",
            Assert.Throws<HyperparameterException>(() => KnnHyperparameters.Parse(Base(("index_type", "faiss.IVFPQ"), ("faiss_index_pq_m", "8"), ("index_metric", metric)))).Message);

    [Theory]
    [InlineData("5", false)]
    [InlineData("8", true)]
    [InlineData("96", true)]
    [InlineData("100", false)]
    public void Pq_m_must_be_in_the_allowed_set(string m, bool valid)
    {
        var values = Base(("index_type", "faiss.IVFPQ"), ("faiss_index_pq_m", m));
        if (valid) Assert.Equal(int.Parse(m, System.Globalization.CultureInfo.InvariantCulture), KnnHyperparameters.Parse(values).PqM);
        else Assert.Throws<HyperparameterException>(() => KnnHyperparameters.Parse(values));
    }

    [Fact]
    public void Feature_dim_must_match_the_data() =>
        Assert.Contains("'feature_dim' is 3 but the data has 4 feature columns",
            Assert.Throws<HyperparameterException>(() => KnnHyperparameters.Parse(Base(("feature_dim", "3"))).ValidateAgainst(4)).Message);

    [Fact]
    public void Tuning_jobs_hyperparameter_is_accepted_and_ignored() =>
        Assert.Equal(5, KnnHyperparameters.Parse(Base(("_tuning_objective_metric", "test:accuracy"))).K);

    [Fact]
    public void Auto_values_mean_unset() =>
        Assert.Null(KnnHyperparameters.Parse(Base(("feature_dim", "auto"), ("faiss_index_ivf_nlists", "auto"))).IvfNlists);
}
