// The shapes CDS Hooks 2.0 clients send us, validated with zod: the hook request and feedback.
import { z } from 'zod';

export const SERVICE_ID = 'leg-cramp-factors';
export const HOOK = 'patient-view';
/** The order-time services: the same check on order-select (a drug picked) and order-sign (about to sign). */
export const ORDER_SERVICES = {
  'leg-cramp-order-select': 'order-select',
  'leg-cramp-order-sign': 'order-sign',
} as const;
export type OrderServiceId = keyof typeof ORDER_SERVICES;

const fhirId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'must be a FHIR id');
/** CDS Hooks 2.0: hookInstance is a UUID. */
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');
/** patient-view's userId: the current user as a relative reference to one of these types. */
const userReference = z
  .string()
  .regex(/^(?:Practitioner|PractitionerRole|Patient|RelatedPerson)\/[A-Za-z0-9\-.]{1,64}$/, 'must be Practitioner/, PractitionerRole/, Patient/ or RelatedPerson/ followed by an id');

/** CDS Hooks 2.0 fhirAuthorization: an OAuth 2.0 bearer token for the fhirServer. */
const fhirAuthorizationSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i, 'must be Bearer'),
  expires_in: z.number().int().nonnegative(),
  scope: z.string(),
  subject: z.string(),
  patient: fhirId.optional(),
});

/** fhirServer is required when fhirAuthorization is sent (CDS Hooks 2.0). */
const hasServerForAuthorization = (r: { fhirAuthorization?: unknown; fhirServer?: unknown }) => !r.fhirAuthorization || r.fhirServer !== undefined;
const SERVER_FOR_AUTHORIZATION = { message: 'fhirServer is required when fhirAuthorization is sent', path: ['fhirServer'] };

export const hookRequestSchema = z
  .object({
    hook: z.string(),
    hookInstance: uuid,
    fhirServer: z.url({ protocol: /^https?$/ }).optional(),
    fhirAuthorization: fhirAuthorizationSchema.optional(),
    context: z.object({
      userId: userReference,
      patientId: fhirId,
      encounterId: z.string().optional(),
    }),
    prefetch: z.record(z.string(), z.unknown()).optional(),
  })
  .refine(hasServerForAuthorization, SERVER_FOR_AUTHORIZATION);

export type HookRequest = z.infer<typeof hookRequestSchema>;

/** order-select and order-sign (CDS Hooks 2.0 hook definitions): draftOrders is a Bundle of the orders being written. */
export const orderRequestSchema = z
  .object({
    hook: z.enum(['order-select', 'order-sign']),
    hookInstance: uuid,
    fhirServer: z.url({ protocol: /^https?$/ }).optional(),
    fhirAuthorization: fhirAuthorizationSchema.optional(),
    context: z.object({
      userId: userReference,
      patientId: fhirId,
      encounterId: z.string().optional(),
      /** order-select: the ids of the orders just selected (e.g. "MedicationRequest/abc"). */
      selections: z.array(z.string().max(200)).max(100).optional(),
      draftOrders: z.object({ resourceType: z.literal('Bundle'), entry: z.array(z.unknown()).max(200).optional() }).passthrough(),
    }),
    prefetch: z.record(z.string(), z.unknown()).optional(),
  })
  .refine(hasServerForAuthorization, SERVER_FOR_AUTHORIZATION);

export type OrderRequest = z.infer<typeof orderRequestSchema>;

export const feedbackSchema = z.object({
  feedback: z
    .array(
      z.object({
        card: z.string().min(1).max(200),
        outcome: z.enum(['accepted', 'overridden']),
        acceptedSuggestions: z.array(z.object({ id: z.string() })).optional(),
        overrideReason: z
          .object({
            reason: z.object({ code: z.string().max(200), system: z.string().max(500).optional(), display: z.string().max(500).optional() }).optional(),
            userComment: z.string().max(5000).optional(),
          })
          .optional(),
        outcomeTimestamp: z.iso.datetime({ offset: true }),
      }),
    )
    .min(1)
    .max(100),
});

export type FeedbackRequest = z.infer<typeof feedbackSchema>;

/** The first problem zod found, as "path: message". */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'the request is not valid';
  const where = issue.path.length > 0 ? issue.path.join('.') : 'request';
  return `${where}: ${issue.message}`;
}
