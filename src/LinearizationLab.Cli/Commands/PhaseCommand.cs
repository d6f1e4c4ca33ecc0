using System.CommandLine;
using System.Globalization;
using LinearizationLab.Layers;
using LinearizationLab.Runs;

namespace LinearizationLab.Cli.Commands;

/// <summary>
/// <c>lab phase --activation relu|erf|tanh --w-var A:B:N --b-var A:B:N --depth L --out DIR [--trainability L1,L2,…]</c>:
/// signal propagation from the analytic recursion over a (σ_w², σ_b²) grid (<see cref="PhaseDiagram"/>); writes DIR/phase.csv,
/// the phase diagram and, with --trainability, a trainability grid measured on MNIST with the trainable depth 6ξ_c.
/// </summary>
public sealed class PhaseCommand : Command
{
    private readonly CancellationToken _cancel;
    private readonly Option<string> _activation = LabOptions.Value("--activation", "PHI", "The activation φ of every hidden layer", required: true,
        [.. Activation.All.Select(a => a.Name)]);
    private readonly Option<string> _weights = LabOptions.Value("--w-var", "A:B:N", "Grid of weight variances σ_w² (N values from A to B), e.g. 1:4:31", required: true);
    private readonly Option<string> _biases = LabOptions.Value("--b-var", "A:B:N", "Grid of bias variances σ_b², e.g. 0:0.5:21", required: true);
    private readonly Option<string> _depth = LabOptions.Value("--depth", "L", "Depth for the NTK columns and the fits of ξ (number of hidden layers)", required: true);
    private readonly Option<string> _out = LabOptions.Out("Output folder for phase.csv and the figures (created if needed)");
    private readonly Option<string> _trainability = LabOptions.Value("--trainability", "L1,L2,…",
        "Also train MLPs of these depths on MNIST over the σ_w² grid and draw their training accuracy beside 6ξ_c");
    private readonly Option<string> _trainBias = LabOptions.Value("--trainability-b-var", "B", "σ_b² of the trainability grid [default: 0.05]");
    private readonly Option<string> _trainWeights = LabOptions.Value("--trainability-w-var", "A:B:N", "σ_w² grid of the trainability grid [default: --w-var]");
    private readonly Option<string> _trainWidth = LabOptions.Value("--trainability-width", "N", "Hidden width of the trained MLPs [default: 256]");
    private readonly Option<string> _trainSteps = LabOptions.Value("--trainability-steps", "T", "Full-batch GD steps at η_crit/2 [default: 300]");
    private readonly Option<string> _trainExamples = LabOptions.Value("--trainability-examples", "N", "MNIST training images [default: 256]");

    /// <summary>Creates the command; <paramref name="cancel"/> stops it between grid points.</summary>
    public PhaseCommand(CancellationToken cancel)
        : base("phase", "Signal propagation over a (σ_w², σ_b²) grid from the analytic recursion: q*, c*, χ₁, depth scales ξ_q, ξ_c, " +
                        "NTK growth; writes DIR/phase.csv and the phase diagram (and a measured trainability grid with --trainability)")
    {
        _cancel = cancel;
        foreach (var option in new[] { _activation, _weights, _biases, _depth, _out, _trainability, _trainBias, _trainWeights, _trainWidth, _trainSteps, _trainExamples })
            Options.Add(option);
        SetAction(Run);
    }

    private int Run(ParseResult args)
    {
        string name = args.GetRequiredValue(_activation);
        var phi = Activation.All.FirstOrDefault(a => a.Name == name) ?? throw new InvalidInputException("command line", _activation.Name,
            $"unknown activation '{name}' ({string.Join(", ", Activation.All.Select(a => a.Name))})");
        var weights = VarianceGrid.Parse(args.GetRequiredValue(_weights), _weights.Name, positive: true);
        var biases = VarianceGrid.Parse(args.GetRequiredValue(_biases), _biases.Name, positive: false);
        int depth = LabOptions.Integer(args.GetRequiredValue(_depth), _depth.Name, 1);
        string output = args.GetRequiredValue(_out);
        int[]? depths = args.GetValue(_trainability) is { } list
            ? LabOptions.Integers(list, _trainability.Name, 1) : null;
        double trainBias = args.GetValue(_trainBias) is { } tb ? VarianceGrid.Parse(tb, _trainBias.Name, positive: false)[0] : 0.05;
        var trainWeights = args.GetValue(_trainWeights) is { } tw ? VarianceGrid.Parse(tw, _trainWeights.Name, positive: true) : weights;
        int width = LabOptions.Integer(args.GetValue(_trainWidth) ?? "256", _trainWidth.Name, 1);
        int steps = LabOptions.Integer(args.GetValue(_trainSteps) ?? "300", _trainSteps.Name, 1);
        int examples = LabOptions.Integer(args.GetValue(_trainExamples) ?? "256", _trainExamples.Name, 10);

        Console.Error.WriteLine($"phase: {phi.Name}, {weights.Length} × {biases.Length} (σ_w², σ_b²), depth {depth}");
        var points = ConsoleProgress.Fraction("recursion", progress => PhaseDiagram.Compute(phi, weights, biases, depth, progress, _cancel));
        IReadOnlyList<PhaseDiagram.TrainabilityCell>? cells = null;
        if (depths is not null)
        {
            Console.Error.WriteLine($"phase: training {depths.Length} depths × {trainWeights.Length} σ_w² at σ_b² = {trainBias.ToString(CultureInfo.InvariantCulture)} " +
                                    $"(width {width}, {examples} MNIST images, {steps} GD steps)");
            cells = ConsoleProgress.Fraction("trainability", progress =>
                PhaseDiagram.Trainability(phi, trainWeights, trainBias, depths, width, examples, steps, progress, _cancel));
        }
        var files = PhaseDiagram.Write(output, phi, depth, points, cells);
        var critical = Plotting.PhaseFigure.CriticalLine(points, weights, biases);
        if (critical.Length > 0)
            Console.WriteLine("order–chaos line χ₁ = 1: " + string.Join(", ", critical.Select(c =>
                string.Create(CultureInfo.InvariantCulture, $"σ_w² = {c.W:F3} at σ_b² = {c.B:G3}"))));
        Console.WriteLine($"wrote {string.Join(", ", files.Select(Path.GetFileName))} to {output}");
        return 0;
    }

}
