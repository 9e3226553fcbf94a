// TensorFlow.js core as the engine uses it, with the gradients of every op and the
// chained-op methods (`t.add(u)`) registered, which tfjs-core alone does not do.
// `#tfjs-core` (package.json "imports") picks the right way for Node (CommonJS bundles)
// and for the browser (ES modules), so there is exactly one engine in either place.
export * from '#tfjs-core';
