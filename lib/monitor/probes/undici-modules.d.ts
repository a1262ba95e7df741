// undici ships no types for its internal modules; this one exports the Client class (typed in undici-client.ts).
declare module 'undici/lib/dispatcher/client.js' {
  const Client: unknown;
  export default Client;
}
