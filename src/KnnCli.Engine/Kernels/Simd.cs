using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KnnCli.Engine.Kernels;

/// <summary>
/// The vector operations the block kernel needs, for one register width. The kernel is generic over these, so the
/// JIT compiles one specialised copy per width and the calls inline to single instructions.
/// </summary>
internal unsafe interface ISimdOps<TVec> where TVec : struct
{
    /// <summary>Floats per register.</summary>
    static abstract int Lanes { get; }

    /// <summary>
    /// Database rows per register tile: the tile holds 2 × RowTile accumulators plus two query vectors and one
    /// broadcast, which must fit the register file (32 registers with AVX-512, 16 with AVX2).
    /// </summary>
    static abstract int RowTile { get; }

    static abstract TVec Load(float* source);

    static abstract void Store(TVec value, float* destination);

    static abstract TVec Broadcast(float value);

    /// <summary>a × b + c.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

    /// <summary>Bit l set when lane l of a is below lane l of b (NaN compares false).</summary>
    static abstract uint LessMask(TVec a, TVec b);
}

/// <summary>AVX-512: 512-bit registers, 32 of them, so a 2 × 8 tile (16 accumulators) fits with room to spare.</summary>
internal readonly unsafe struct Simd512 : ISimdOps<Vector512<float>>
{
    public static int Lanes => Vector512<float>.Count;

    public static int RowTile => 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, float* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint LessMask(Vector512<float> a, Vector512<float> b) => (uint)Vector512.LessThan(a, b).ExtractMostSignificantBits();
}

/// <summary>AVX2: 256-bit registers, only 16, so the tile is 2 × 6 (12 accumulators + 2 queries + 1 broadcast = 15).</summary>
internal readonly unsafe struct Simd256 : ISimdOps<Vector256<float>>
{
    public static int Lanes => Vector256<float>.Count;

    public static int RowTile => 6;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, float* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint LessMask(Vector256<float> a, Vector256<float> b) => Vector256.LessThan(a, b).ExtractMostSignificantBits();
}

/// <summary>Which kernel width a search runs: 512-bit where the CPU (and the runtime) has AVX-512, 256-bit otherwise.</summary>
internal static class KernelWidth
{
    private static readonly AsyncLocal<bool?> Forced = new();

    /// <summary>True when searches started now use the 512-bit kernels.</summary>
    public static bool Wide => Forced.Value ?? Vector512.IsHardwareAccelerated;

    /// <summary>Bits per kernel register for searches started now: 512 or 256.</summary>
    public static int Bits => Wide ? 512 : 256;

    /// <summary>
    /// Runs searches started on this logical flow (and the tasks it starts) with the given width until disposed,
    /// so tests exercise both paths on any machine. A 512-bit kernel without AVX-512 is emulated: correct, slow.
    /// </summary>
    public static IDisposable Force(int bits)
    {
        if (bits is not (256 or 512)) throw new ArgumentOutOfRangeException(nameof(bits), bits, "Kernel width is 256 or 512 bits.");
        var previous = Forced.Value;
        Forced.Value = bits == 512;
        return new Restore(previous);
    }

    private sealed class Restore(bool? previous) : IDisposable
    {
        public void Dispose() => Forced.Value = previous;
    }
}
