export default function SurveysPage() {
  return null;
}
