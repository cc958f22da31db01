export function writeReport(_: any): { md: string } { return { md: '' }; }
