/**
 * The one catalogue of validation messages: every problem the server reports about a field of a
 * request (`error.fields[]`) or a row of an import (the validation report) has a stable code here,
 * with its English text. So do the status sentences users read: an import batch's `message`
 * (`batch.*`), a job's (`job.*`) and the explanation of a 409 answer (`conflict.*`). Placeholders are `{{name}}` (the i18next syntax): the server renders the
 * English `message` from the code and its parameters, and the web app renders
 * `t('issues.<code>', params)` in the user's language (web/src/i18n/issues/*.json; English comes
 * from this file). A test keeps every language in step with this list.
 *
 * A code never changes its meaning once released: add a new code rather than rewording one into
 * something else (stored import reports keep code and parameters).
 */
export const MESSAGES = {
  // Generic checks of a value (requests and import cells).
  'value.required': 'Required.',
  'value.invalid': 'Not valid.',
  'value.notText': 'Expected text.',
  'value.notNumber': 'Expected a number.',
  'value.notInteger': 'Expected a whole number.',
  'value.notBoolean': 'Expected yes or no (true or false).',
  'value.notList': 'Expected a list.',
  'value.notObject': 'Expected an object.',
  'value.wrongType': 'Expected a value of type {{expected}}.',
  'value.tooShort': 'At least {{minimum}} characters.',
  'value.tooLong': 'At most {{maximum}} characters.',
  'value.tooSmall': 'At least {{minimum}}.',
  'value.tooSmallExclusive': 'More than {{minimum}}.',
  'value.tooBig': 'At most {{maximum}}.',
  'value.tooBigExclusive': 'Less than {{maximum}}.',
  'value.tooFew': 'At least {{minimum}} entries.',
  'value.tooMany': 'At most {{maximum}} entries.',
  'value.notOneOf': 'One of {{values}}.',
  'value.notMultipleOf': 'A multiple of {{divisor}}.',
  'value.badFormat': 'Not in the expected format.',
  'value.notUuid': 'Expected a UUID.',
  'value.notEmail': 'Expected an email address.',
  'value.notDateTime': 'Expected a date and time (ISO 8601).',
  'value.unknownFields': 'Unknown field(s): {{keys}}.',
  'value.taken': 'Already taken.',
  'value.used': 'Already used.',
  'value.usedOtherBody': 'Already used with another body.',
  'value.usedNewId': 'Already used; generate a new id.',
  'value.usedTwice': 'Used twice.',
  'value.isoDate': 'A date as YYYY-MM-DD',
  'value.notCalendarDate': 'Not a calendar date',
  'value.iso3': 'An ISO 3166 alpha-3 code, e.g. {{example}}',
  'value.codeChars': 'Letters, digits, dot, dash and underscore only',

  // Import cells (src/imports/values.ts).
  'cell.numberRequired': 'A number is required.',
  'cell.notWholeNumber': '"{{value}}" is not a whole number.',
  'cell.below': '{{n}} is below {{min}}.',
  'cell.above': '{{n}} is above {{max}}.',
  'cell.dateRequired': 'A date is required.',
  'cell.notDate': '"{{value}}" is not a date (use YYYY-MM-DD).',
  'cell.notCalendarDate': '{{date}} is not a calendar date.',
  'cell.yesNoRequired': 'Yes or no is required.',
  'cell.notYesNo': '"{{value}}" is not yes or no.',
  'cell.choiceRequired': 'A value is required ({{allowed}}).',
  'cell.notOneOf': '"{{value}}" is not one of {{allowed}}.',
  'cell.notUuid': '"{{value}}" is not a UUID.',
  'cell.notIso3': '"{{value}}" is not an ISO 3166 alpha-3 code, e.g. PAK.',

  // Import files and reports (src/imports, src/modules/imports).
  'import.kindUnknown': 'Unknown kind {{kind}} ({{kinds}}).',
  'import.fileEmpty': 'The file is empty.',
  'import.fileUnreadable': '{{reason}}',
  'import.noHeaderRow': 'The file has no header row.',
  'import.noSuchField': 'There is no field {{field}} to map.',
  'import.fieldUnmapped': '{{label}} is required: choose the column that holds it.',
  'import.noSuchColumn': 'The file has no column "{{column}}".',
  'import.duplicateRow': 'Same record as row {{row}}: it appears twice in the file.',
  'import.rowInvalid': 'The row is not valid.',
  'import.recordInvalid': 'The record is not valid.',

  // Dates, periods and versions shared by modules.
  'date.future': '{{date}} is in the future.',
  'date.futureToday': '{{date}} is in the future (today is {{today}}).',
  'date.futureTodayIn': '{{date}} is in the future (today is {{today}} in {{timeZone}}).',
  'period.endsBeforeStart': 'The period ends before it starts.',
  'period.endsBeforeStartOn': 'The period ends ({{to}}) before it starts ({{from}}).',
  'validity.endsBeforeStart': 'The validity ends before it starts.',
  'version.current': 'Current version is {{version}}.',
  'status.is': 'Is {{status}}.',
  'cursor.unknown': 'Unknown cursor; start again without it.',

  // Places, operations and organisations.
  'place.latLonPair': 'Give both latitude and longitude, or neither.',
  'place.latOutside': 'Latitude {{lat}} is outside {{area}} ({{min}}–{{max}}); are latitude and longitude swapped?',
  'place.lonOutside': 'Longitude {{lon}} is outside {{area}} ({{min}}–{{max}}); are latitude and longitude swapped?',
  'place.noArea': 'No admin area {{pcode}} in {{operationId}}.',
  'place.noAreaInOperation': 'No admin area {{pcode}} in operation {{operationId}}.',
  'place.siteCodeUsed': 'Already used by another site of this operation.',
  'place.acronymUsed': 'Already used by another organisation.',
  'place.noOperation': 'No operation {{operationId}}.',
  'place.noSite': 'No site {{site}} in {{operationId}}.',
  'place.noSiteQuoted': 'No site "{{site}}" in {{operationId}}.',
  'place.notPcodeOf': '{{pcode}} is not a P-code of {{operationId}}.',
  'place.pcodeFormat': 'A P-code, e.g. PK513.',
  'place.notBorderCrossing': '{{site}} is not a border crossing point.',
  'place.noOrganisation': 'No such organisation.',
  'place.unknownOrganisation': 'Unknown organisation.',

  // Access: users, roles, passwords.
  'access.unknownRole': 'Unknown role "{{role}}".',
  'access.unknownPermission': 'Unknown permission "{{permission}}".',
  'access.usernameFormat': 'Use 2–63 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit.',
  'access.roleIdFormat': 'Use 2–40 lower-case letters, digits, - or _, starting with a letter.',
  'access.passwordTooShort': 'At least {{min}} characters.',
  'access.passwordWrong': 'This is not your current password.',
  'access.passwordUnchanged': 'Choose a password different from the current one.',
  'access.cannotDisableSelf': 'You cannot disable yourself.',

  // Flow monitoring: counts, surveys, alerts.
  'flows.notFlowPoint': '{{site}} is not a flow monitoring point.',
  'flows.crossingRequired': 'The crossing point is required.',
  'flows.noCountsHere': '{{site}} is not a crossing point where you may enter counts.',
  'flows.noSurveysHere': '{{site}} is not a crossing point where you may enter surveys.',
  'flows.sexAgeSum': 'men + women + boys + girls = {{sum}}, but the total is {{total}}.',
  'flows.nationalitySum': 'afghan + otherNationality = {{sum}}, but the total is {{total}}.',
  'flows.reasonSum': 'deported + spontaneous + otherReason = {{sum}}, but the inflow total is {{total}}.',
  'flows.reasonsInflowOnly': 'Only inflow counts are split into deported, spontaneous and other.',
  'flows.transportSum': 'The transport modes add up to {{sum}}, more than the total {{total}}.',
  'flows.neighbourMissing': 'Say which country the movement comes from or goes to; {{site}} has no neighbour country.',
  'flows.neighbourWrong': '{{site}} borders {{neighbour}}, not {{given}}.',
  'flows.alreadyCounted': 'Already counted for this site, direction and neighbour country.',
  'flows.countStored': 'A count for this crossing point, date and direction is already stored (version {{version}}) with other figures; correct it in the app instead.',
  'flows.countIdUsed': 'The id {{id}} is already used by another count.',
  'flows.consentRequired': 'The group must agree to the interview; without consent nothing is stored.',
  'flows.groupSum': 'men + women + boys + girls = {{sum}}, but the group size is {{groupSize}}.',
  'flows.documentNotOfOrigin': '{{document}} is not a document of people coming from {{country}} ({{allowed}}).',
  'flows.documentRequired': 'At least one document (or "none") is required.',
  'flows.documentsNone': '"none" cannot be combined with documents.',
  'flows.originPakistanOnly': 'Only Pakistani districts are recorded as origin.',
  'flows.notPakistanDistrict': '{{pcode}} is not a district of Pakistan.',
  'flows.notAfghanProvince': '{{pcode}} is not a province of Afghanistan.',
  'flows.notAfghanDistrict': '{{pcode}} is not a district of Afghanistan.',
  'flows.notInProvince': '{{pcode}} is not in province {{province}}.',
  'flows.surveyStored': 'A survey with the id {{id}} is already stored with other answers.',
  'flows.dailyTooLong': 'A daily series covers at most {{days}} days; choose week or month.',
  'flows.ratioNeedsFactor': 'A ratio rule needs a factor, e.g. 2 for "twice the usual week".',
  'flows.ratioWindow': 'A ratio rule compares 7-day flows; the window is 7d.',
  'flows.ratioNoThreshold': 'A ratio rule has a factor, not a threshold.',
  'flows.absoluteNeedsThreshold': 'An absolute rule needs a threshold (people per day or per 7 days).',
  'flows.absoluteNoFactor': 'An absolute rule has a threshold, not a factor.',
  'flows.alertAcknowledged': 'Already acknowledged.',
  'flows.alertWithdrawn': 'Withdrawn.',

  // Mobility tracking: rounds and assessments.
  'mobility.groupHouseholds': '{{hh}} households of {{group}} but only {{ind}} individuals.',
  'mobility.groupNoHousehold': '{{ind}} {{group}} live in at least one household.',
  'mobility.needsOnce': 'Each sector once: the list is a ranking.',
  'mobility.notDistrict': '{{pcode}} is not a district (admin 2) P-code of {{operationId}}.',
  'mobility.notProvince': '{{pcode}} is not a province (admin 1) P-code of {{operationId}}.',
  'mobility.siteNotInDistrict': '{{site}} is not in district {{district}}.',
  'mobility.periodSumIndividuals': '{{group}} (individuals) add up to {{sum}} over the arrival periods, but the total is {{total}}.',
  'mobility.periodSumHouseholds': '{{group}} (households) add up to {{sum}} over the arrival periods, but the total is {{total}}.',
  'mobility.idpSexSum': 'idpMales + idpFemales = {{sum}}, but there are {{idps}} IDPs.',
  'mobility.displacedOverAffected': '{{displaced}} displaced households, more than the {{affected}} affected.',
  'mobility.individualsBelowHouseholds': '{{ind}} displaced individuals, fewer than the {{hh}} displaced households.',
  'mobility.individualsNoHousehold': '{{ind}} displaced individuals live in at least one displaced household.',
  'mobility.siteNoDistrict': '{{site}} is not located in a district; set its area first.',
  'mobility.householdsOverIndividuals': '{{hh}} households but only {{ind}} individuals.',
  'mobility.kindMismatch': 'Round {{round}} is a {{kind}} round; its assessments are of kind {{kind}}.',
  'mobility.alreadyAssessed': 'Already assessed in this round.',
  'mobility.roundNumberUsed': 'Already used for this operation and kind.',
  'mobility.roundNotEmpty': 'Not empty.',
  'mobility.roundEmpty': 'Empty round.',
  'mobility.noRound': 'There is no {{kind}} round {{round}}; open it first.',
  'mobility.roundClosed': '{{kind}} round {{round}} is {{status}}: its assessments can no longer change.',
  'mobility.assessmentStored': 'This round already has an assessment here (version {{version}}) with other figures; correct it in the app instead.',
  'mobility.assessmentIdUsed': 'The id {{id}} is already used by another assessment.',
  'mobility.siteOutsideGrants': 'This site is not in the areas you may enter data for.',
  'mobility.districtOutsideGrants': 'This district is not among the areas you may enter data for.',
  'mobility.districtRequired': 'A district P-code is required.',
  'mobility.siteRequired': 'A site code or id is required.',

  // Registration: households, members, documents, consent.
  'people.memberSameOperation': 'A member recorded elsewhere must be in another operation than the household.',
  'people.notAllowedHere': 'Your grants do not let you register households at this place or for this organisation.',
  'people.oneHead': 'A household has one head.',
  'people.headMissing': 'One member must be the head of household.',
  'people.nameRequired': 'At least one name (any script) is required.',
  'people.notMember': 'Not a member of this household.',
  'people.headRemoval': 'Make another member the head before removing the head.',
  'people.birthFuture': 'The date of birth is in the future.',
  'people.birthYearRange': 'The birth year must lie between {{from}} and {{to}}.',
  'people.birthExact': 'An exact date as YYYY-MM-DD.',
  'people.birthMonth': 'A month as YYYY-MM.',
  'people.birthYear': 'A year as YYYY.',
  'people.birthAge': 'An age in whole years (0–125).',
  'people.birthSolarHijri': 'A Solar Hijri date as YYYY/MM/DD (e.g. 1365/04/12) or a Solar Hijri year.',
  'people.differsFrom': 'Differs from row {{row}} of the same household.',
  'people.differsFromSheet': 'Differs from row {{row}} ({{sheet}}) of the same household.',
  'people.headInOwnRow': "The head of household is given in the household's own row (row {{row}}); a member of the repeat group cannot be the head too.",
  'people.headInOwnRowSheet': "The head of household is given in the household's own row (row {{row}} ({{sheet}})); a member of the repeat group cannot be the head too.",
  'people.noCrossingPoint': 'No crossing point {{site}} in {{operationId}}.',
  'people.importedBefore': 'Household {{key}} was imported before with other content; it is left as it is (edit it in the registry).',
  'people.maybeRegistered': '{{name}} may already be registered in household {{household}} ({{decision}}, score {{score}}).',
  'people.maybeSamePerson': '{{name}} may be the same person as row {{row}} ({{decision}}, score {{score}}).',
  'people.maybeSamePersonSheet': '{{name}} may be the same person as row {{row}} ({{sheet}}) ({{decision}}, score {{score}}).',

  // Deduplication and record linkage.
  'dedup.runActive': 'Run {{run}} is {{status}}.',
  'dedup.survivorOfPair': 'One of the two records of the pair.',
  'linkage.encodedColumns': 'An encoded file has the columns id,clk (as hamrah pprl encode writes it).',
  'linkage.noRecords': 'The file has no encoded records.',
  'linkage.idTwice': 'Row {{row}}: the id appears twice.',
  'linkage.idEmpty': 'Row {{row}}: the id is empty.',
  'linkage.rowInvalid': 'Row {{row}}: {{reason}}.',

  // Status sentences of import batches (src/modules/imports/service.ts): the batch's `message`,
  // one or more of these in order (`messageParts`), and the import job's progress.
  'batch.added': '{{inserted}} rows added.',
  'batch.addedExisting': '{{inserted}} rows added, {{existing}} already stored.',
  'batch.addedInvalid': '{{inserted}} rows added, {{invalid}} invalid left out.',
  'batch.addedExistingInvalid': '{{inserted}} rows added, {{existing}} already stored, {{invalid}} invalid left out.',
  'batch.addedOne': '{{inserted}} row added.',
  'batch.addedOneExisting': '{{inserted}} row added, {{existing}} already stored.',
  'batch.addedOneInvalid': '{{inserted}} row added, {{invalid}} invalid left out.',
  'batch.addedOneExistingInvalid': '{{inserted}} row added, {{existing}} already stored, {{invalid}} invalid left out.',
  'batch.importedBefore': 'This file was imported before (import {{batch}}); nothing was added.',
  'batch.rejected': 'Nothing was written: {{invalid}} of {{rows}} rows have problems. Fix them, or import the valid rows only.',
  'batch.problems': '{{invalid}} of {{rows}} rows have problems.',
  'batch.allValid': 'All {{rows}} rows are valid.',
  'batch.allValidExisting': 'All {{rows}} rows are valid ({{existing}} already stored).',
  'batch.warningOne': '{{warnings}} warning to look at (they do not stop the import).',
  'batch.warnings': '{{warnings}} warnings to look at (they do not stop the import).',
  'batch.validating': 'Validating rows',
  'batch.checking': 'Checking what is already stored',
  'batch.writing': 'Writing rows',
  'batch.noSuchImport': 'No such import.',
  'batch.unknownKind': 'Unknown kind {{kind}}.',
  'batch.noOwner': 'The import has no owner.',
  'batch.ownerCannotImport': 'The user who started this import can no longer import.',
  'batch.permissionGone': 'You no longer hold {{permission}} in {{operationId}}.',
  'batch.mappingIncomplete': 'The column mapping is not complete.',

  // Status sentences of background jobs (src/server/jobs.ts; a job view's `messageParts`).
  'job.cancelled': 'Cancelled.',
  'job.cancelledBeforeStart': 'Cancelled before it started.',
  'job.requeued': 'Interrupted by a restart; queued again.',
  'job.interrupted': 'Interrupted: the server stopped while this job ran.',
  'job.holderGone': 'The server process that accepted this job stopped before it ran, and what the job needs was kept only in that process: start again.',
  'job.failed': 'Failed: {{reason}}',
  'job.encodingRegistry': 'Encoding the registry',
  'job.ready': 'Ready',

  // Explanations of 409 answers (`error.messageCode` beside `error.message`).
  'conflict.jobSucceeded': 'The job has already succeeded.',
  'conflict.jobFailed': 'The job has already failed.',
  'conflict.jobCancelled': 'The job has already cancelled.',
  'conflict.importValidating': 'The import is validating; wait for it to finish.',
  'conflict.importCommitting': 'The import is committing; wait for it to finish.',
  'conflict.importCommitted': 'The import has been committed already.',
  'conflict.countSubmit': 'Version {{version}} is {{status}}; only a draft count can be submitted.',
  'conflict.countVerify': 'Version {{version}} is {{status}}; only a submitted count can be verified.',
  'conflict.countPublish': 'Version {{version}} is {{status}}; only a verified count can be published.',
  'conflict.roundSubmit': 'The round is {{status}}; only a draft round can be submitted.',
  'conflict.roundVerify': 'The round is {{status}}; only a submitted round can be verified.',
  'conflict.roundPublish': 'The round is {{status}}; only a verified round can be published.',
  'conflict.countChanged': 'The count changed meanwhile; reload it.',
  'conflict.roundChanged': 'The round changed meanwhile; reload it.',
  'conflict.assessmentChanged': 'The assessment changed meanwhile; reload it.',
  'conflict.countVersion': 'The count is at version {{version}}, not {{baseVersion}}: reload it and correct the current version.',
  'conflict.assessmentVersion': 'The assessment is at version {{version}}, not {{baseVersion}}: reload it and correct the current version.',
  'conflict.idUsed': 'This id is already used.',
  'conflict.countIdOtherFigures': 'A count with this id exists with different figures; correct it with PUT /flows/counts/:id.',
  'conflict.inflowCounted': '{{site}} already has an inflow count for {{date}} ({{id}}); correct that one instead.',
  'conflict.inflowCountedNoId': '{{site}} already has an inflow count for {{date}}; correct that one instead.',
  'conflict.outflowCounted': '{{site}} already has an outflow count for {{date}} ({{id}}); correct that one instead.',
  'conflict.outflowCountedNoId': '{{site}} already has an outflow count for {{date}}; correct that one instead.',
  'conflict.surveyIdOtherBody': 'A survey with this id exists with a different body.',
  'conflict.surveyIdUsed': 'A survey with this id exists.',
  'conflict.surveysStoredMeanwhile': 'Some of these surveys were stored by another writer while the file was imported; nothing was written. Import the file again.',
  'conflict.alertRuleIdUsed': 'An alert rule with this id exists with other settings.',
  'conflict.alertAcknowledged': 'This alert was acknowledged on {{at}}.',
  'conflict.alertWithdrawn': 'This alert was withdrawn on {{at}}: a later count put the flow below the rule.',
  'conflict.alertChanged': 'The alert was acknowledged or withdrawn meanwhile; reload it.',
  'conflict.roundNumberUsed': '{{operationId}} already has {{kind}} round {{round}}.',
  'conflict.roundIdOtherBody': 'A round with this id exists with a different body.',
  'conflict.roundNotDraftEdit': 'The round is {{status}}; only a draft round can be edited.',
  'conflict.roundNotDraftDelete': 'The round is {{status}}; only a draft round can be deleted.',
  'conflict.roundHoldsAssessments': 'The round holds {{n}} assessment versions; it cannot be deleted.',
  'conflict.roundEmpty': 'The round has no assessments yet; enter some before submitting it.',
  'conflict.roundClosed': 'Round {{round}} is {{status}}: its assessments can no longer change.',
  'conflict.assessmentExists': 'The round already has an assessment for {{place}}; correct that one instead.',
  'conflict.assessmentIdOtherBody': 'An assessment with this id exists with a different body; correct it with PUT /mobility/assessments/:id.',
  'conflict.householdMergedInto': 'Household {{household}} was merged into household {{target}}; edit that household instead.',
  'conflict.householdMerged': 'Household {{household}} was merged into another household; it can no longer be edited.',
  'conflict.dedupRunActive': 'A deduplication run of {{operationId}} is already {{status}}.',
  'conflict.dedupRunSucceeded': 'The run has already succeeded.',
  'conflict.dedupRunFinished': 'The run has already finished.',
  'conflict.pairDecided': 'This pair was already decided {{decision}}.',
  'conflict.runNotFinished': 'Only a finished run has matches to confirm.',
  'conflict.mergeUndone': 'This merge was undone already.',
  // Linkage, access administration and places.
  'conflict.exportNotReady': 'The export is {{status}}; wait until it is ready.',
  'conflict.linkageSecretGone': 'The secret is kept only in memory until the job runs and the server restarted meanwhile: start again.',
  'conflict.roleExists': 'A role {{role}} exists already.',
  'conflict.roleBuiltInEdit': 'The role {{role}} is built in and managed by Hamrah itself; it cannot be edited. Create a new role instead.',
  'conflict.roleBuiltInDelete': 'The role {{role}} is built in and managed by Hamrah itself; it cannot be deleted. Create a new role instead.',
  'conflict.roleHeldOne': 'The role {{role}} is held in 1 grant; take that grant away first.',
  'conflict.roleHeld': 'The role {{role}} is held in {{n}} grants; take those grants away first.',
  'conflict.grantHeld': 'The user already holds this grant.',
  'conflict.usernameTaken': 'The username {{username}} is taken.',
  'conflict.disableSelf': 'You cannot disable your own account.',
  'conflict.siteCodeUsed': 'Site code {{code}} is already used in {{operationId}}.',
  'conflict.acronymUsed': 'An organisation with acronym {{acronym}} exists already.',
  // Merges of duplicate records (MERGE_BLOCKED, UNDO_NOT_POSSIBLE).
  'conflict.mergeSelf': 'A record cannot be merged into itself.',
  'conflict.mergeRemoved': 'One of the two records was removed or merged already.',
  'conflict.mergeOperations': 'Records of two operations are not merged.',
  'conflict.mergeHeadWithMembers': '{{name}} heads household {{household}}, which has other members: merge those first, or keep this record as the survivor.',
  'conflict.mergeHeadWithMembersUnnamed': 'This person heads household {{household}}, which has other members: merge those first, or keep this record as the survivor.',
  'conflict.mergeKeepHead': 'Keep the head of household as the surviving record.',
  'conflict.undoHouseholdChanged': 'Household {{household}} changed after the merge (version {{version}} → {{current}}); undo the later changes first or correct the records by hand.',
  // Households and their members, documents and consents.
  'conflict.householdVersion': 'Household {{household}} is at version {{version}}; your change was based on version {{baseVersion}}. Reload and apply it again.',
  'conflict.householdChanged': 'Household {{household}} changed meanwhile. Reload and apply your change again.',
  'conflict.householdIdOtherContent': 'A household with this id exists with other content.',
  'conflict.householdIdsUsed': 'An id in this household (member, document or consent) is already used.',
  'conflict.memberOrDocumentIdUsed': 'The member or document id is already used.',
  'conflict.memberRemoved': 'This member was removed from the household.',
  'conflict.memberAlreadyRemoved': 'This member was already removed.',
  'conflict.documentIdUsed': 'The document id is already used.',
  'conflict.consentIdUsed': 'The consent id is already used.',
  'conflict.consentWithdrawn': 'This consent was already withdrawn.',
} as const;

export type MessageCode = keyof typeof MESSAGES;
export type MessageParams = Record<string, string | number>;

/** A validation problem as code and parameters (the form stored in import reports). */
export interface Message {
  code: MessageCode;
  params?: MessageParams;
}

type Names<S extends string> = S extends `${string}{{${infer P}}}${infer Rest}` ? P | Names<Rest> : never;
/** The parameters the English text of `C` names. */
export type ParamsOf<C extends MessageCode> = { [K in Names<(typeof MESSAGES)[C]>]: string | number };
/** No second argument for a message without placeholders, the parameters otherwise. */
export type ParamArgs<C extends MessageCode> = [Names<(typeof MESSAGES)[C]>] extends [never] ? [] : [params: ParamsOf<C>];

export const MESSAGE_CODES = Object.keys(MESSAGES) as MessageCode[];

/** The `{{name}}` placeholders of a template, in order of first appearance. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!))];
}

export function interpolate(template: string, params: MessageParams = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (all, name: string) => (name in params ? String(params[name]) : all));
}

/** A message by code, its parameters checked against the English text's placeholders. */
export function msg<C extends MessageCode>(code: C, ...args: ParamArgs<C>): Message {
  const params = args[0] as MessageParams | undefined;
  return params && Object.keys(params).length ? { code, params } : { code };
}

export function isMessageCode(code: unknown): code is MessageCode {
  return typeof code === 'string' && Object.hasOwn(MESSAGES, code);
}

/** The English sentence of a message. */
export function englishOf(m: Message): string {
  return interpolate(MESSAGES[m.code], m.params);
}

/**
 * The English text a schema gives a check (`z.string().regex(re, schemaText('value.isoDate'))`),
 * remembered so that the request-validation error names the code instead of only the text.
 */
const bySchemaText = new Map<string, Message>();
export function schemaText<C extends MessageCode>(code: C, ...args: ParamArgs<C>): string {
  const m = msg(code, ...args);
  const text = englishOf(m);
  bySchemaText.set(text, m);
  return text;
}

/** The message a schema's own text stands for (see schemaText), if any. */
export function messageOfSchemaText(text: string): Message | undefined {
  return bySchemaText.get(text);
}

// ---------------------------------------------------------------------------------------------
// Status sentences read back from their English text

const templateRes = new Map<MessageCode, RegExp>();
function templateRe(code: MessageCode): RegExp {
  let re = templateRes.get(code);
  if (!re) {
    const names: string[] = [];
    const body = MESSAGES[code]
      .split(/(\{\{\s*\w+\s*\}\})/)
      .map((part) => {
        const m = /^\{\{\s*(\w+)\s*\}\}$/.exec(part);
        if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(m[1]!);
        return '(.+?)';
      })
      .join('');
    re = new RegExp(`^${body}$`, 's');
    (re as RegExp & { names?: string[] }).names = names;
    templateRes.set(code, re);
  }
  return re;
}

/** The message of `code` whose English text is exactly `text`, its parameters read back (digits as numbers). */
function matchOne(text: string, code: MessageCode): Message | null {
  const re = templateRe(code) as RegExp & { names?: string[] };
  const m = re.exec(text);
  if (!m) return null;
  const params: MessageParams = {};
  (re.names ?? []).forEach((name, i) => {
    const v = m[i + 1]!;
    params[name] = /^(0|[1-9]\d{0,14})$/.test(v) ? Number(v) : v;
  });
  const out: Message = Object.keys(params).length ? { code, params } : { code };
  return englishOf(out) === text ? out : null;
}

/**
 * The status sentence(s) a stored English text is made of, among `codes`: one message, or several
 * sentences in order (joined by a space in the text), or null when the text is not theirs (a
 * sentence from before codes, or from somewhere else). Stored job and batch messages are text;
 * this gives them their codes at read time, so they are shown in the reader's language without a
 * code column. The English of the result is always exactly `text`.
 */
export function messagesOf(text: string | null | undefined, codes: readonly MessageCode[]): Message[] | null {
  if (!text) return null;
  // One sentence whose parameters hold no sentence end; else several sentences (split after a
  // sentence end and a space, each one such sentence, first sentence first); else one whose
  // parameter holds sentences (an error's own text after "Failed: ").
  const one = wholeMatches(text, codes);
  const clean = one.find(isClean);
  if (clean) return [clean];
  const parts = sentencesOf(text, codes, 0);
  if (parts) return parts;
  return one.length ? [one[0]!] : null;
}

/** The messages whose text is `text`, the most specific first: the one that leaves the least to its parameters ("7 rows added, 8 already stored, 9 invalid left out." is not "{{inserted}} rows added, {{invalid}} invalid left out." with invalid "8 already stored, 9"). */
function wholeMatches(text: string, codes: readonly MessageCode[]): Message[] {
  const captured = (m: Message) => Object.values(m.params ?? {}).reduce<number>((n, v) => n + String(v).length, 0);
  return codes
    .map((code) => matchOne(text, code))
    .filter((m): m is Message => !!m)
    .sort((a, b) => captured(a) - captured(b));
}

const isClean = (m: Message) => Object.values(m.params ?? {}).every((v) => typeof v === 'number' || !SENTENCE_END.test(v));

/** `text` as two or more clean sentences of `codes`, or null (a few sentences at most: stored messages are short). */
function sentencesOf(text: string, codes: readonly MessageCode[], depth: number): Message[] | null {
  if (depth > 0) {
    const whole = wholeMatches(text, codes).find(isClean);
    if (whole) return [whole];
  }
  if (depth >= 4 || text.length > 2000) return null;
  for (let i = text.indexOf(' '); i > 0; i = text.indexOf(' ', i + 1)) {
    if (!/[.!?)]$/.test(text.slice(0, i))) continue;
    const head = wholeMatches(text.slice(0, i), codes).find(isClean);
    if (!head) continue;
    const tail = sentencesOf(text.slice(i + 1), codes, depth + 1);
    if (tail) return [head, ...tail];
  }
  return null;
}
const SENTENCE_END = /[.!?)] /;

/** The English text of status sentences (what `messagesOf` reads back). */
export const englishOfAll = (parts: readonly Message[]): string => parts.map(englishOf).join(' ');
