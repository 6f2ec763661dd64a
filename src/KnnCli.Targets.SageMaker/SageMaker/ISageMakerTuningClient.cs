namespace KnnCli.Targets.SageMaker.SageMaker;

/// <summary>The hyperparameter tuning operations (knn tune --target sagemaker).</summary>
public partial interface ISageMakerClient
{
    Task<CreateHyperParameterTuningJobResponse> CreateHyperParameterTuningJobAsync(CreateHyperParameterTuningJobRequest request, CancellationToken cancellationToken);
    Task<DescribeHyperParameterTuningJobResponse> DescribeHyperParameterTuningJobAsync(DescribeHyperParameterTuningJobRequest request, CancellationToken cancellationToken);
    Task<ListTrainingJobsForHyperParameterTuningJobResponse> ListTrainingJobsForHyperParameterTuningJobAsync(ListTrainingJobsForHyperParameterTuningJobRequest request, CancellationToken cancellationToken);
    Task<EmptyResponse> StopHyperParameterTuningJobAsync(StopHyperParameterTuningJobRequest request, CancellationToken cancellationToken);
}

internal sealed partial class SageMakerClient
{
    public Task<CreateHyperParameterTuningJobResponse> CreateHyperParameterTuningJobAsync(CreateHyperParameterTuningJobRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("CreateHyperParameterTuningJob", request, Types.CreateHyperParameterTuningJobRequest, Types.CreateHyperParameterTuningJobResponse, mutating: true, cancellationToken);

    public Task<DescribeHyperParameterTuningJobResponse> DescribeHyperParameterTuningJobAsync(DescribeHyperParameterTuningJobRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("DescribeHyperParameterTuningJob", request, Types.DescribeHyperParameterTuningJobRequest, Types.DescribeHyperParameterTuningJobResponse, mutating: false, cancellationToken);

    public Task<ListTrainingJobsForHyperParameterTuningJobResponse> ListTrainingJobsForHyperParameterTuningJobAsync(ListTrainingJobsForHyperParameterTuningJobRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("ListTrainingJobsForHyperParameterTuningJob", request, Types.ListTrainingJobsForHyperParameterTuningJobRequest, Types.ListTrainingJobsForHyperParameterTuningJobResponse, mutating: false, cancellationToken);

    public Task<EmptyResponse> StopHyperParameterTuningJobAsync(StopHyperParameterTuningJobRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("StopHyperParameterTuningJob", request, Types.StopHyperParameterTuningJobRequest, Types.EmptyResponse, mutating: true, cancellationToken);
}
