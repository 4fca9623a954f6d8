import { z } from 'zod';

/**
 * An artifact's name as stored and as it appears in a download path: a plain file name (a letter
 * or digit first, then letters, digits, `. _ -`), never a path, at most 200 characters.
 */
export const artifactFileNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, 'artifact name must be a plain file name (letters, digits, . _ -)');
