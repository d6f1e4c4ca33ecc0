namespace LinearizationLab.Data;

/// <summary>The file format of a matrix the lab writes (kernels, predictions): text or NumPy binary.</summary>
public enum MatrixFormat
{
    /// <summary>CSV, one row per line, numbers in the shortest round-trip form (<see cref="CsvMatrix"/>).</summary>
    Csv,

    /// <summary>NumPy .npy, float64 little-endian in C order (<see cref="NpyFile"/>): 8 bytes per entry and a 128-byte header.</summary>
    Npy,
}
