// The decoder's report as the Decode screen reads it: the engine's own types, from shared/
// (`decoder.decode` answers that report as a plain record).
export type * from '../../../../shared/decoder/decode-report.ts';
