export default function SurveyFormPage() {
  return null;
}
