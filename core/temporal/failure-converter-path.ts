/**
 * What `dataConverter.failureConverterPath` names, for the worker (and its workflow bundle) and every
 * client. Apart from failure-converter.ts, which the workflow bundle loads and must stay free of `require.resolve`.
 */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');
