import roaring from 'roaring';

// roaring is CommonJS: its class comes through the default export under ESM.
export const RoaringBitmap32 = roaring.RoaringBitmap32;
export type RoaringBitmap32 = InstanceType<typeof RoaringBitmap32>;
export type { ReadonlyRoaringBitmap32 } from 'roaring';
