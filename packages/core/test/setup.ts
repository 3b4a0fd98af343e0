import fc from 'fast-check';

// One global budget for properties: repeatable in CI, bounded on a shared 2-core machine.
fc.configureGlobal({ interruptAfterTimeLimit: 20_000, markInterruptAsFailure: false });
