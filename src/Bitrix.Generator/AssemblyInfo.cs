// Roslyn's own API is not CLS-compliant; the generator and analyzer are loaded only by the compiler.
[assembly: System.CLSCompliant(false)]
