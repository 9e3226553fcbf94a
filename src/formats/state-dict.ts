// The host-side form of a PyTorch state_dict, shared by every file format (.pth,
// .safetensors) and by the model: exact state_dict keys (spec/MODEL.md), PyTorch shapes,
// row-major float32 data, in insertion order.

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

export type StateDict = Map<string, HostTensor>;

export function numel(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}
