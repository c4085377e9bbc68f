/** JSON-lines logger for the node process (no dependencies: the node image holds only node and dist/). */
export function nodeLogger(id: string): (event: string, fields?: Record<string, unknown>) => void {
  return (event, fields) => {
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), node: id, event, ...fields })}\n`);
  };
}
