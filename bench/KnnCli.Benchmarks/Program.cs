using BenchmarkDotNet.Running;
using KnnCli.Benchmarks;

if (args.Length > 0 && args[0] == "side-by-side") return await SideBySide.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "train-parts") return await TrainParts.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(SideBySide).Assembly).Run(args);
return 0;
