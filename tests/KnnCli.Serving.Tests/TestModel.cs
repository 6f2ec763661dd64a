using System.Buffers;
using KnnCli.Core.Formats;
using KnnCli.Engine;
using KnnCli.Engine.Training;

namespace KnnCli.Serving.Tests;

/// <summary>
/// A five-vector, four-feature classifier (k = 3) whose answers are worked out by hand:
/// [0,0,0,0] → neighbours at squared distances 0, 1, 4 with labels 0, 1, 1 → 1.0;
/// [5,5,5,5] → 0, 79, 84 with labels 2, 2, 1 → 2.0.
/// </summary>
internal static class TestModel
{
    public const int FeatureCount = 4;

    public static KnnModel Create()
    {
        float[] vectors =
        [
            0, 0, 0, 0,
            1, 0, 0, 0,
            0, 2, 0, 0,
            0, 0, 3, 0,
            5, 5, 5, 5,
        ];
        float[] labels = [0, 1, 1, 2, 2];
        var hyperparameters = new KnnHyperparameters { K = 3, SampleSize = 5, PredictorType = PredictorType.Classifier };
        return KnnModelBuilder.Build(vectors, labels, FeatureCount, hyperparameters);
    }

    public const string CsvBody = "0,0,0,0\n5,5,5,5\n";
    public const string JsonBody = """{"instances":[{"features":[0,0,0,0]},{"data":{"features":{"values":[5,5,5,5]}}}]}""";
    public const string JsonLinesBody = "{\"features\":[0,0,0,0]}\n{\"data\":{\"features\":{\"values\":[5,5,5,5]}}}\n";

    public const string JsonResponse = """{"predictions":[{"predicted_label":1.0},{"predicted_label":2.0}]}""";
    public const string VerboseJsonResponse =
        """{"predictions":[{"predicted_label":1.0,"distances":[0.0,1.0,4.0],"labels":[0.0,1.0,1.0]},{"predicted_label":2.0,"distances":[0.0,79.0,84.0],"labels":[2.0,2.0,1.0]}]}""";
    public const string JsonLinesResponse = "{\"predicted_label\":1.0}\n{\"predicted_label\":2.0}\n";
    public const string VerboseJsonLinesResponse =
        "{\"predicted_label\":1.0,\"distances\":[0.0,1.0,4.0],\"labels\":[0.0,1.0,1.0]}\n" +
        "{\"predicted_label\":2.0,\"distances\":[0.0,79.0,84.0],\"labels\":[2.0,2.0,1.0]}\n";

    /// <summary>The two rows of <see cref="CsvBody"/> as RecordIO-protobuf (the SDK's RecordSerializer layout, no label).</summary>
    public static byte[] RecordIoBody()
    {
        var body = new ArrayBufferWriter<byte>();
        RecordProtobuf.WriteFramedDense(body, [0f, 0f, 0f, 0f], label: null);
        RecordProtobuf.WriteFramedDense(body, [5f, 5f, 5f, 5f], label: null);
        return body.WrittenSpan.ToArray();
    }

    /// <summary>The answers above as RecordIO-protobuf records (label["predicted_label"], verbose adds distances and labels).</summary>
    public static byte[] RecordIoResponse(bool verbose)
    {
        var body = new ArrayBufferWriter<byte>();
        RecordProtobuf.WriteFramedPrediction(body, 1f, [0f, 1f, 4f], [0f, 1f, 1f], verbose);
        RecordProtobuf.WriteFramedPrediction(body, 2f, [0f, 79f, 84f], [2f, 2f, 1f], verbose);
        return body.WrittenSpan.ToArray();
    }
}
