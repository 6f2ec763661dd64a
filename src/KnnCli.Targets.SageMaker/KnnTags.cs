using KnnCli.Targets.SageMaker.SageMaker;

namespace KnnCli.Targets.SageMaker;

/// <summary>Every resource knn creates carries this tag, so ListLiveAsync can find what is still live and costing money.</summary>
internal static class KnnTags
{
    public const string CreatedByKey = "knn:created-by";
    public const string CreatedByValue = "knn";

    public static IReadOnlyList<Tag> With(IReadOnlyDictionary<string, string> extra) =>
    [
        new Tag { Key = CreatedByKey, Value = CreatedByValue },
        .. extra.Where(t => t.Key != CreatedByKey).Select(t => new Tag { Key = t.Key, Value = t.Value }),
    ];

    public static bool IsKnn(IEnumerable<Tag> tags) => tags.Any(t => t.Key == CreatedByKey);
}
