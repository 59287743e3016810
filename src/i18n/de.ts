// de catalogue: English text → translation. See index.ts.
const messages: Record<string, string> = {
};
export default messages;
