namespace LinearizationLab.Layers;

/// <summary>One layer's step of the infinite-width recursion, applied in place to the state of one pair of examples.</summary>
public delegate void KernelStep(KernelState state);
