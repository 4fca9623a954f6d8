import { ScaledJob, ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, LimitRange, Namespace, ResourceQuota, Service, ServiceAccount } from 'kubernetes-models/v1';
import { z } from 'zod';
import type { K8sObject } from './k8s-object';

type Validate = (object: K8sObject) => void;

// kubernetes-models validates in the constructor-built model; `validate()` throws with the JSON path.
const model =
  (Model: new (data: never) => { validate(): void }): Validate =>
  (object) =>
    new Model(object as never).validate();

// No published model for the Secrets Store CSI driver's CRD: this mirrors its v1 schema for the
// fields the Azure provider reads (secrets-store.csi.x-k8s.io/v1, SecretProviderClassSpec).
const secretProviderClass = z
  .object({
    apiVersion: z.literal('secrets-store.csi.x-k8s.io/v1'),
    kind: z.literal('SecretProviderClass'),
    metadata: z.object({ name: z.string().min(1) }).passthrough(),
    spec: z
      .object({
        provider: z.literal('azure'),
        parameters: z
          .object({
            usePodIdentity: z.enum(['true', 'false']).optional(),
            clientID: z.string().uuid().optional(),
            keyvaultName: z.string().min(3).max(24),
            tenantId: z.string().uuid(),
            cloudName: z.string().optional(),
            objects: z.string().min(1),
          })
          .catchall(z.string()),
        secretObjects: z
          .array(
            z
              .object({
                secretName: z.string().min(1),
                type: z.string().min(1),
                labels: z.record(z.string(), z.string()).optional(),
                data: z.array(z.object({ objectName: z.string().min(1), key: z.string().min(1) }).strict()).min(1),
              })
              .strict(),
          )
          .optional(),
      })
      .strict(),
  })
  .passthrough();

const validators: Record<string, Validate> = {
  'v1|ConfigMap': model(ConfigMap),
  'v1|Namespace': model(Namespace),
  'v1|Service': model(Service),
  'v1|ServiceAccount': model(ServiceAccount),
  'v1|LimitRange': model(LimitRange),
  'v1|ResourceQuota': model(ResourceQuota),
  'apps/v1|Deployment': model(Deployment),
  'batch/v1|Job': model(Job),
  'autoscaling/v2|HorizontalPodAutoscaler': model(HorizontalPodAutoscaler),
  'networking.k8s.io/v1|NetworkPolicy': model(NetworkPolicy),
  'policy/v1|PodDisruptionBudget': model(PodDisruptionBudget),
  'rbac.authorization.k8s.io/v1|Role': model(Role),
  'rbac.authorization.k8s.io/v1|RoleBinding': model(RoleBinding),
  'keda.sh/v1alpha1|ScaledObject': model(ScaledObject),
  'keda.sh/v1alpha1|ScaledJob': model(ScaledJob),
  'keda.sh/v1alpha1|TriggerAuthentication': model(TriggerAuthentication),
  'secrets-store.csi.x-k8s.io/v1|SecretProviderClass': (object) => {
    const parsed = secretProviderClass.safeParse(object);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${issue?.path.join('/') ?? ''} ${issue?.message ?? 'invalid'}`.trim());
    }
  },
};

/**
 * Validates one object against its Kubernetes / KEDA / CSI schema. Returns the problem, or
 * undefined when valid. An apiVersion/kind without a schema is itself a problem: nothing ships
 * unvalidated.
 */
export function schemaProblem(object: K8sObject): string | undefined {
  const validate = validators[`${object.apiVersion}|${object.kind}`];
  if (!validate) return `no schema for ${object.apiVersion} ${object.kind} (add one to manifest-schema.validator.ts)`;
  try {
    validate(object);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
