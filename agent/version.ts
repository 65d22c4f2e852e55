/** The agent's version, reported in `location:hello`. Kept equal to package.json by a unit test. */
export const AGENT_VERSION = '0.1.0';
