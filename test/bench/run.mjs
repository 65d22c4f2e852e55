// `npm run bench`: performance figures, each printed beside its anchor measured in the same run.
// The benchmarks arrive with the benchmark issue; until then this says so instead of inventing numbers.
console.log('no benchmarks yet');
