// Scripts embedded into the binary as text (`with { type: "text" }`).
declare module "*/updater.js" {
  const text: string;
  export default text;
}
