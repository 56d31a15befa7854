// The scenarios are large and some measure rates and timings of the limiter: run one at a time,
// so that they do not compete for the machine's cores with each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
