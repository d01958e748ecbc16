export default function CountFormPage() {
  return null;
}
