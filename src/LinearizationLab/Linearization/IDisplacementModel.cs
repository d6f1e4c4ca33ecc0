namespace LinearizationLab.Linearization;

/// <summary>A model trained as a displacement from θ0 (the linearization, the Taylor models) that can say how far it has moved.</summary>
public interface IDisplacementModel
{
    /// <summary>‖θ − θ0‖ over all parameters, in float64.</summary>
    double DisplacementNorm();
}
