// Files imported as text (`with { type: "text" }`) by the embedded migrator and the static-asset table.
declare module "*.sql" {
  const text: string;
  export default text;
}
declare module "*.css" {
  const text: string;
  export default text;
}
