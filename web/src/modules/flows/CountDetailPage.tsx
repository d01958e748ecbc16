export default function CountDetailPage() {
  return null;
}
