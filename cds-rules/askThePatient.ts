// Documented causes a chart cannot show; the sidebar always lists them so the clinician can ask.
export const askThePatient = [
  'Sleeping with the feet pointed down (for example under tight bedding), which leaves the calf muscles shortened',
  'Over-stretching or over-using the legs during the day',
  'Standing for long periods',
  'Heavy sweating from prolonged exertion',
] as const;
