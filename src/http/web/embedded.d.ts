// Static files embedded into the binary as text (`with { type: "text" }`).
declare module "*.min.js" {
  const text: string;
  export default text;
}
declare module "*/web/app.js" {
  const text: string;
  export default text;
}
declare module "*.svg" {
  const text: string;
  export default text;
}
