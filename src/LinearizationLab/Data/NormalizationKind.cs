namespace LinearizationLab.Data;

/// <summary>How input features are rescaled before training (see <see cref="FeatureNormalization"/>).</summary>
public enum NormalizationKind
{
    /// <summary>Features as loaded (pixels in [0,1]).</summary>
    None,

    /// <summary>Each example scaled to ‖x‖² = d, i.e. x·x/d = 1 (the sphere of radius √d).</summary>
    UnitNorm,

    /// <summary>Each feature shifted and scaled by the train set's per-feature mean and standard deviation.</summary>
    Standardize,

    /// <summary>Regularized ZCA whitening fitted on the train set (<see cref="FeatureNormalization.Zca"/>).</summary>
    Zca,
}
