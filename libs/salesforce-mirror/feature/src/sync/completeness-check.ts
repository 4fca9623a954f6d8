import { chunk, compareIds, completenessReport, mirroredObjects, type CompletenessReport } from '@leaf/salesforce-mirror/domain';
import type { MirrorObject, MirrorWriterRepository, SalesforceSource } from '@leaf/salesforce-mirror/data-access';

const soqlIds = (ids: readonly string[]) => ids.map((id) => `'${id.replace(/[^a-zA-Z0-9]/g, '')}'`).join(', ');

/**
 * Completeness after a sync: for each mirrored object, the ids Salesforce has now against the
 * live ids of the mirror. Objects read by parent are compared over the mirror's parents (a note of
 * a request the mirror lacks shows up as the request's gap, not twice).
 */
export async function checkCompleteness(source: SalesforceSource, writer: MirrorWriterRepository, parentChunk: number): Promise<CompletenessReport> {
  const objects = [];
  for (const object of mirroredObjects) {
    const ids: string[] = [];
    if (!object.parentField || object.bulk) {
      for await (const page of source.query(`SELECT Id FROM ${object.name}`)) ids.push(...page.map((r) => String(r['Id'])));
    } else {
      const parents = object.name === 'ContentVersion' ? await writer.linkedDocumentIds() : await writer.liveIds('IT_Request__c');
      for (const part of chunk(parents, parentChunk)) {
        for await (const page of source.query(`SELECT Id FROM ${object.name} WHERE ${object.parentField} IN (${soqlIds(part)})`))
          ids.push(...page.map((r) => String(r['Id'])));
      }
    }
    objects.push(compareIds(object.name, ids, await writer.liveIds(object.name as MirrorObject)));
  }
  return completenessReport(objects);
}
