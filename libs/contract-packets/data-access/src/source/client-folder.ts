import { clientIdSchema } from '@leaf/contracts';

/**
 * A packet's client scope is the folder it was filed in: `<packets folder>/<clientId>/<file>`.
 * Anything else (the packets folder itself, deeper folders, other folders) is not a packet.
 */
export function clientOfFolder(folderPath: string, packetsFolder: string): string | null {
  const segments = folderPath.split('/').filter(Boolean);
  const root = packetsFolder.split('/').filter(Boolean);
  if (segments.length !== root.length + 1) return null;
  if (!root.every((s, i) => s.toLowerCase() === segments[i].toLowerCase())) return null;
  const clientId = decodeURIComponent(segments[segments.length - 1]);
  return clientIdSchema.safeParse(clientId).success ? clientId : null;
}
