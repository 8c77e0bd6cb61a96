/** JSON for aggregate state that holds bigints: {"$bigint": "123"}. */
export function encodeState(state: unknown): string {
  return JSON.stringify(state, (_key, value: unknown) =>
    typeof value === 'bigint' ? { $bigint: value.toString() } : value,
  );
}

export function decodeState<S>(json: string): S {
  return JSON.parse(json, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && '$bigint' in value) {
      return BigInt((value as { $bigint: string }).$bigint);
    }
    return value;
  }) as S;
}
