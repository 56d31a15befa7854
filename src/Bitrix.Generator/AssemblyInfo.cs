// The generator lands with the source-generator issue; this project fixes its place in the build.
[assembly: System.CLSCompliant(false)]
