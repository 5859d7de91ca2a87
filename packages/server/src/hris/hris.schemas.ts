import { z } from 'zod';

const dateOnly = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), 'must be a real date');

/** Termination types of the generic payload. */
export const terminationTypes = [
  'voluntary',
  'involuntary',
  'retirement',
  'end-of-contract',
  'other',
] as const;

/** The generic HRIS "employee left" event. */
export const employeeLeftEventSchema = z
  .object({
    eventId: z
      .string()
      .min(1)
      .max(200)
      .describe('Unique id of this event in the HRIS; the same id twice creates one interview'),
    employeeId: z.string().min(1).max(200).describe('The employee id in the HRIS'),
    name: z.string().min(1).max(200).optional(),
    email: z
      .email()
      .max(320)
      .optional()
      .describe('Carried by the interview.invited webhook; not stored in anonymous mode'),
    department: z.string().min(1).max(200).optional(),
    location: z.string().min(1).max(200).optional(),
    level: z.string().min(1).max(100).optional(),
    startDate: dateOnly.optional().describe('Only the tenure in months is kept'),
    lastDay: dateOnly,
    terminationType: z.enum(terminationTypes),
    locale: z.enum(['en', 'de', 'fr', 'es']).optional().describe('Default: the tenant default locale'),
    mode: z
      .enum(['identified', 'confidential', 'anonymous'])
      .optional()
      .describe('Default: the tenant default mode'),
  })
  .strict()
  .refine((event) => !event.startDate || event.startDate <= event.lastDay, {
    message: 'startDate must not be after lastDay',
    path: ['startDate'],
  });

/** One "employee left" event. */
export type EmployeeLeftEvent = z.infer<typeof employeeLeftEventSchema>;

/** `POST /v1/hris/events/bulk` body. */
export const bulkEventsSchema = z
  .object({ events: z.array(employeeLeftEventSchema).min(1).max(500) })
  .strict();

/** `POST /v1/hris/interviews/:id/reissue` body. */
export const reissueSchema = z
  .object({
    expiresInDays: z
      .number()
      .int()
      .min(1)
      .max(180)
      .optional()
      .describe('Default: keep the expiry (or the tenant due date when expired)'),
  })
  .strict();

/** `GET /v1/hris/events/:eventId` parameter. */
export const eventIdParamSchema = z.object({ eventId: z.string().min(1).max(200) });
