using System.Text.Json;
using KnnCli.Core.Data;
using KnnCli.Engine.Random;

namespace KnnCli.Core.Tests;

/// <summary>Our MT19937 RandomState against values NumPy 1.24.2 computed (TestData/numpy-permutation-vectors.json).</summary>
public sealed class NumpyRandomStateTests
{
    private static readonly JsonDocument Vectors = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "numpy-permutation-vectors.json")));

    public static TheoryData<uint> RawSeeds() => new(Vectors.RootElement.GetProperty("mt19937_first_uint32").EnumerateArray().Select(e => e.GetProperty("seed").GetUInt32()));

    public static TheoryData<uint, int> PermutationCases()
    {
        var cases = new TheoryData<uint, int>();
        foreach (var e in Vectors.RootElement.GetProperty("permutations").EnumerateArray())
            cases.Add(e.GetProperty("seed").GetUInt32(), e.GetProperty("n").GetInt32());
        return cases;
    }

    [Theory]
    [MemberData(nameof(RawSeeds))]
    public void Raw_outputs_match_numpy(uint seed)
    {
        var expected = Vectors.RootElement.GetProperty("mt19937_first_uint32").EnumerateArray()
            .Single(e => e.GetProperty("seed").GetUInt32() == seed).GetProperty("values").EnumerateArray().Select(v => v.GetUInt32()).ToArray();
        var random = new NumpyRandomState(seed);
        Assert.Equal(expected, expected.Select(_ => random.NextUInt32()).ToArray());
    }

    [Theory]
    [MemberData(nameof(PermutationCases))]
    public void Permutation_matches_numpy(uint seed, int n)
    {
        var expected = Vectors.RootElement.GetProperty("permutations").EnumerateArray()
            .Single(e => e.GetProperty("seed").GetUInt32() == seed && e.GetProperty("n").GetInt32() == n)
            .GetProperty("permutation").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        Assert.Equal(expected, new NumpyRandomState(seed).Permutation(n));
    }

    [Fact]
    public void Iris_split_matches_scikit_learn_train_test_split()
    {
        var (train, test) = TrainTestSplit.Split(150, 0.25, 0);
        Assert.Equal(112, train.Length);
        Assert.Equal(38, test.Length);
        Assert.Equal([114, 62, 33, 107, 7, 100, 40, 86, 76, 71], test[..10]);
        Assert.Equal(Enumerable.Range(0, 150), train.Concat(test).Order());
    }

    [Theory]
    [InlineData(10, 0.25, 3)] // ceil(2.5)
    [InlineData(150, 0.2, 30)]
    [InlineData(7, 0.5, 4)]
    public void Test_size_is_the_ceiling_of_fraction_times_rows(int rows, double fraction, int expectedTest)
    {
        var (train, test) = TrainTestSplit.Split(rows, fraction, 1);
        Assert.Equal(expectedTest, test.Length);
        Assert.Equal(rows - expectedTest, train.Length);
    }
}
