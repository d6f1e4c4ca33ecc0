using LinearizationLab.Bench;

// Benchmarks print figures; they never assert. Usage: lab-bench [gd-step|adam-step|cnn-step [--steps S]|sweep-step [--widths W,..] [--dtypes D,..] [--runs R]|taylor-step [--widths W,..] [--dtypes D,..]|ntk [--only METHOD]|cnn-ntk [--only METHOD]|ntk-memory|analytic [mlp1k|mlp10k|cnn|relu20|tanh20] [--reps R]|gp [gp10k|gp10k-t] [--reps R]|memory [mlp-wide|cnn|gp8k]|npy [--n N] [--reps R]|gram|cnn-kernel|hierarchy|all]
string which = args.Length > 0 ? args[0] : "all";
LinearizationLab.Networks.NativeHeap.KeepLargeBlocks();   // as the lab command does, so the figures are lab's
var benchmarks = new Dictionary<string, Action>
{
    ["gd-step"] = GdStepBenchmark.Run,
    ["adam-step"] = GdStepBenchmark.RunAdam,
    ["cnn-step"] = () => CnnStepBenchmark.Run(args.Skip(1).ToArray()),
    ["sweep-step"] = () => SweepStepBenchmark.Run(args.Skip(1).ToArray()),
    ["taylor-step"] = () => TaylorStepBenchmark.Run(args.Skip(1).ToArray()),
    ["ntk"] = () => NtkBenchmark.Run(args.Skip(1).ToArray()),
    ["cnn-ntk"] = () => NtkBenchmark.RunCnn(args.Skip(1).ToArray()),
    ["ntk-memory"] = NtkBenchmark.PeakMemory,
    ["analytic"] = () => AnalyticKernelBenchmark.Run(args.Skip(1).ToArray()),
    ["gp"] = () => GpBenchmark.Run(args.Skip(1).ToArray()),
    ["memory"] = () => MemoryBenchmark.Run(args.Skip(1).ToArray()),
    ["memory-case"] = () => MemoryBenchmark.Case(args.Skip(1).ToArray()),
    ["npy"] = () => NpyBenchmark.Run(args.Skip(1).ToArray()),
    ["gram"] = KernelPartsBenchmark.Gram,
    ["cnn-kernel"] = KernelPartsBenchmark.CnnKernel,
    ["hierarchy"] = KernelPartsBenchmark.Hierarchy,
};
if (which == "all")
{
    foreach (var (name, run) in benchmarks)
        if (name is not ("ntk-memory" or "memory-case")) run();   // run in child processes of their own
    return 0;
}
if (!benchmarks.TryGetValue(which, out var chosen))
{
    Console.Error.WriteLine($"error: command line: {which}: unknown benchmark ({string.Join(", ", benchmarks.Keys)}, all)");
    return 2;
}
chosen();
return 0;
