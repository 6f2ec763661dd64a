using KnnCli.Targets.SageMaker.SageMaker;

namespace KnnCli.Targets.SageMaker;

/// <summary>Every resource knn creates carries this tag, so ListLiveAsync can find what is still live and costing money.</summary>
internal static class KnnTags
{
    public const string CreatedByKey = "knn:created-by";
    public const string CreatedByValue = "knn";

    /// <summary>knn's tag, then the user's (--tag, KNN_TAGS, the settings file), then a request's own, later ones winning per key.</summary>
    public static IReadOnlyList<Tag> With(IReadOnlyDictionary<string, string> user, IReadOnlyDictionary<string, string> request)
    {
        var tags = new Dictionary<string, string>(user, StringComparer.Ordinal);
        foreach (var (key, value) in request) tags[key] = value;
        tags.Remove(CreatedByKey);
        return [new Tag { Key = CreatedByKey, Value = CreatedByValue }, .. tags.Select(t => new Tag { Key = t.Key, Value = t.Value })];
    }

    public static bool IsKnn(IEnumerable<Tag> tags) => tags.Any(t => t.Key == CreatedByKey);
}
