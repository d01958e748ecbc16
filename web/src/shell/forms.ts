import { isApiError } from '../api';

/** Messages per form field from a VALIDATION_FAILED (or CONFLICT with fields) error. */
export function fieldErrors(error: unknown): Record<string, string> {
  return isApiError(error) ? error.fieldMessages() : {};
}
