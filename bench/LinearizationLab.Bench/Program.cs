using LinearizationLab.Bench;

// Benchmarks print figures; they never assert. Usage: lab-bench [gd-step|ntk|all]
string which = args.Length > 0 ? args[0] : "all";
var benchmarks = new Dictionary<string, Action>
{
    ["gd-step"] = GdStepBenchmark.Run,
    ["ntk"] = NtkBenchmark.Run,
};
if (which == "all")
{
    foreach (var run in benchmarks.Values) run();
    return 0;
}
if (!benchmarks.TryGetValue(which, out var chosen))
{
    Console.Error.WriteLine($"error: command line: {which}: unknown benchmark ({string.Join(", ", benchmarks.Keys)}, all)");
    return 2;
}
chosen();
return 0;
