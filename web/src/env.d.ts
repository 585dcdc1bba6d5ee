declare module '*.tf' { const text: string; export default text; }
declare module '*.json' { const text: string; export default text; }
declare module 'lpg:rule-docs' { const docs: Record<string, string>; export default docs; }
