// Roslyn's own API is not CLS-compliant; code fixes are loaded only by the IDE.
[assembly: System.CLSCompliant(false)]
