using KnnCli.Engine.Reduction;

namespace KnnCli.Engine.Tests;

public class ReductionTests
{
    [Theory]
    [InlineData(RandomProjection.SignName)]
    [InlineData(RandomProjection.FjltName)]
    public void ProjectionsKeepDistancesOnAverage(string type)
    {
        const int din = 200, dout = 64;
        var transform = RandomProjection.Create(new DimensionReductionInfo(type, Seed: 42, TargetDim: dout, InputDim: din));
        var points = TestData.Gaussian(100, din, 1);
        var projected = new float[100 * dout];
        transform.Apply(points, projected);
        var ratios = new List<double>();
        for (var i = 0; i + 1 < 100; i += 2)
        {
            ratios.Add(SquaredDistance(projected, i, i + 1, dout) / SquaredDistance(points, i, i + 1, din));
        }
        // Johnson–Lindenstrauss: each ratio is near 1 (within a few times 1/√dout), and so is their mean.
        Assert.InRange(ratios.Average(), 0.85, 1.15);
        Assert.All(ratios, r => Assert.InRange(r, 0.4, 1.8));
    }

    [Fact]
    public void SignProjectionIsASeededMatrixOfScaledSigns()
    {
        var a = RandomProjection.Sign(30, 8, seed: 3);
        var b = RandomProjection.Sign(30, 8, seed: 3);
        var c = RandomProjection.Sign(30, 8, seed: 4);
        Assert.Equal(a.Matrix, b.Matrix);
        Assert.NotEqual(a.Matrix, c.Matrix);
        Assert.All(a.Matrix, v => Assert.Equal(1 / Math.Sqrt(8), Math.Abs(v), 1e-6));
        Assert.Null(a.Bias);
    }

    [Fact]
    public void FjltIsReproducibleFromItsMetadata()
    {
        var info = new DimensionReductionInfo(RandomProjection.FjltName, Seed: 7, TargetDim: 10, InputDim: 33);
        Assert.Equal(RandomProjection.Create(info).Matrix, RandomProjection.Fjlt(33, 10, 7).Matrix);
        Assert.Equal(330, RandomProjection.Create(info).Matrix.Length);
    }

    [Fact]
    public void LinearTransformComputesAxPlusB()
    {
        var transform = new LinearTransform(3, 2, [1, 2, 3, 0, -1, 0.5f], [10, 20]);
        var output = new float[4];
        transform.Apply([1, 1, 1, 2, 0, 4], output);
        Assert.Equal([16f, 19.5f, 24f, 22f], output);
    }

    private static double SquaredDistance(float[] rows, int a, int b, int d)
    {
        double sum = 0;
        for (var t = 0; t < d; t++) sum += Math.Pow(rows[a * d + t] - rows[b * d + t], 2);
        return sum;
    }
}
