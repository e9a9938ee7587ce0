import type { Language } from './language';

/**
 * Every label and message of the merchant's pages, in each language. The server renders the notices with them;
 * the page's script receives its language's set with the session (one dictionary, no copy in the script).
 * `{name}` placeholders are filled by the page.
 */
const EN = {
  title: 'Stockbridge settings',
  signOut: 'Sign out',
  accountOf: 'Account {account} ({crm})',
  // Notices (server-rendered)
  signedOutTitle: 'Open these settings from your CRM',
  signedOutBody:
    'In your CRM, open Marketplace → Stockbridge (or Settings → Integration → Stockbridge) and press “Settings”: the CRM signs you in here.',
  unknownTitle: 'This link does not belong to a connected account',
  unknownBody:
    'The CRM sent an identifier that this hub does not know: the module may have been connected again or removed. Connect your CRM first.',
  tooManyTitle: 'Too many tries',
  tooManyBody:
    'Too many wrong tries came from your address. Wait a minute, then open the settings from your CRM again.',
  connectLink: 'Connect your CRM',
  // Shops
  shops: 'Your shops',
  shop: 'Shop',
  type: 'Type',
  state: 'State',
  backlog: 'Waiting to send',
  lastError: 'Last error',
  deadLetters: 'Not delivered',
  actions: 'Actions',
  pause: 'Pause',
  resume: 'Resume',
  showDead: 'Show',
  running: 'Running: stock is sent as it changes.',
  pausedByYou: 'Paused by you: nothing is sent. Press Resume when ready.',
  pausedByOperator: 'Paused by the hub’s operator: nothing is sent. Ask them, or press Resume.',
  pausedCredentials:
    'Paused: the shop refused our credentials ({reason}). Correct them in the shop’s settings, then press Resume.',
  pausedOther: 'Paused: {reason}. Press Resume when it is fixed.',
  held: 'Held: the module is switched off or frozen in your CRM. Stock is kept and sent once it is active again: switch it on in the CRM’s Marketplace.',
  noShops: 'No shops yet.',
  // Dead letters
  deadOf: 'Not delivered to {shop}',
  item: 'Item',
  reason: 'Reason',
  since: 'Since',
  retry: 'Retry',
  retryAll: 'Retry all',
  retried: '{count} sent again.',
  // SKU
  sku: 'Look up a SKU',
  skuLabel: 'SKU or another offer identifier',
  lookUp: 'Look up',
  skuNotFound: 'No shop of yours has this item yet.',
  figures: 'Figures',
  delivered: 'Delivered',
  testConnection: 'Test connection',
  connectionOk: 'Connected: the shop has {figures}.',
  connectionFailed: 'The shop answered: {message}',
  // Callbacks, shipments, sources
  callbacks: 'Recent callbacks from your CRM',
  when: 'When',
  offers: 'Offers',
  result: 'Result',
  accepted: 'accepted',
  refusedStatus: 'refused (HTTP {status})',
  shipments: 'Shipment reports',
  order: 'Order',
  status: 'Status',
  attempts: 'Attempts',
  sources: 'Sources',
  source: 'Source',
  lastRun: 'Last run',
  syncNow: 'Sync now',
  syncStarted: 'Sync of {source} started.',
  nothing: 'Nothing yet.',
  failed: 'That did not work: {message}',
  sessionEnded: 'Your session ended: open the settings from your CRM again.',
  done: 'Done.',
  // The connect form
  connectTitle: 'Connect your CRM to Stockbridge',
  connectIntro:
    'Enter your CRM’s address and an API key made for this module (CRM: Settings → Integration → API keys), with the scopes listed below.',
  crmUrl: 'CRM address',
  crmUrlHint: 'like https://yourshop.retailcrm.ru',
  apiKey: 'API key',
  connect: 'Connect',
  scopesNeeded: 'The key needs these scopes: {scopes}.',
  connectFailed: 'Not connected: {message}',
  connectExpired: 'The form expired: it was opened too long ago or from another page. Try again.',
  // Notices sent to the CRM, and their list on the page
  notices: 'Notices sent to your CRM',
  problem: 'Problem',
  noticeShopPaused:
    'Stockbridge: your shop “{shop}” is paused ({reason}). No stock is sent to it until this is fixed and the shop resumed. Settings: {url}',
  noticeDeadLetters:
    'Stockbridge: {count} stock updates could not be delivered to your shop “{shop}”. See why and retry them: {url}',
  noticeSyncFailing: 'Stockbridge: the last {count} syncs of the source “{source}” failed ({reason}). Check it: {url}',
};

export type Messages = typeof EN;

const RU: Messages = {
  title: 'Настройки Stockbridge',
  signOut: 'Выйти',
  accountOf: 'Аккаунт {account} ({crm})',
  signedOutTitle: 'Откройте эти настройки из вашей CRM',
  signedOutBody:
    'В CRM откройте Маркетплейс → Stockbridge (или Настройки → Интеграция → Stockbridge) и нажмите «Настройки»: CRM выполнит вход сюда.',
  unknownTitle: 'Эта ссылка не относится к подключённому аккаунту',
  unknownBody:
    'CRM передала идентификатор, которого этот сервис не знает: возможно, модуль подключили заново или удалили. Сначала подключите вашу CRM.',
  tooManyTitle: 'Слишком много попыток',
  tooManyBody:
    'С вашего адреса пришло слишком много неверных попыток. Подождите минуту и снова откройте настройки из CRM.',
  connectLink: 'Подключить CRM',
  shops: 'Ваши магазины',
  shop: 'Магазин',
  type: 'Тип',
  state: 'Состояние',
  backlog: 'Ждут отправки',
  lastError: 'Последняя ошибка',
  deadLetters: 'Не доставлено',
  actions: 'Действия',
  pause: 'Приостановить',
  resume: 'Возобновить',
  showDead: 'Показать',
  running: 'Работает: остатки отправляются по мере изменения.',
  pausedByYou: 'Приостановлено вами: ничего не отправляется. Нажмите «Возобновить», когда будете готовы.',
  pausedByOperator:
    'Приостановлено оператором сервиса: ничего не отправляется. Уточните у него или нажмите «Возобновить».',
  pausedCredentials:
    'Приостановлено: магазин не принял наши учётные данные ({reason}). Исправьте их в настройках магазина и нажмите «Возобновить».',
  pausedOther: 'Приостановлено: {reason}. Нажмите «Возобновить», когда причина устранена.',
  held: 'Удерживается: модуль выключен или заморожен в вашей CRM. Остатки сохраняются и будут отправлены, когда он снова активен: включите его в Маркетплейсе CRM.',
  noShops: 'Магазинов пока нет.',
  deadOf: 'Не доставлено в {shop}',
  item: 'Товар',
  reason: 'Причина',
  since: 'С',
  retry: 'Повторить',
  retryAll: 'Повторить все',
  retried: 'Отправлено повторно: {count}.',
  sku: 'Найти артикул',
  skuLabel: 'Артикул или другой идентификатор предложения',
  lookUp: 'Найти',
  skuNotFound: 'Ни в одном вашем магазине этого товара пока нет.',
  figures: 'Остатки',
  delivered: 'Доставлено',
  testConnection: 'Проверить связь',
  connectionOk: 'Связь есть: в магазине {figures}.',
  connectionFailed: 'Магазин ответил: {message}',
  callbacks: 'Последние запросы от вашей CRM',
  when: 'Когда',
  offers: 'Предложений',
  result: 'Результат',
  accepted: 'принят',
  refusedStatus: 'отклонён (HTTP {status})',
  shipments: 'Отчёты об отгрузках',
  order: 'Заказ',
  status: 'Статус',
  attempts: 'Попыток',
  sources: 'Источники',
  source: 'Источник',
  lastRun: 'Последний запуск',
  syncNow: 'Синхронизировать',
  syncStarted: 'Синхронизация {source} запущена.',
  nothing: 'Пока ничего.',
  failed: 'Не получилось: {message}',
  sessionEnded: 'Сеанс закончился: снова откройте настройки из CRM.',
  done: 'Готово.',
  connectTitle: 'Подключите вашу CRM к Stockbridge',
  connectIntro:
    'Введите адрес вашей CRM и API-ключ, созданный для этого модуля (CRM: Настройки → Интеграция → Ключи доступа к API), с перечисленными ниже правами.',
  crmUrl: 'Адрес CRM',
  crmUrlHint: 'например, https://yourshop.retailcrm.ru',
  apiKey: 'API-ключ',
  connect: 'Подключить',
  scopesNeeded: 'Ключу нужны права: {scopes}.',
  connectFailed: 'Не подключено: {message}',
  connectExpired: 'Форма устарела: её открыли слишком давно или с другой страницы. Попробуйте ещё раз.',
  notices: 'Уведомления, отправленные в вашу CRM',
  problem: 'Проблема',
  noticeShopPaused:
    'Stockbridge: ваш магазин «{shop}» приостановлен ({reason}). Остатки в него не отправляются, пока причина не устранена и магазин не возобновлён. Настройки: {url}',
  noticeDeadLetters:
    'Stockbridge: {count} обновлений остатков не удалось доставить в ваш магазин «{shop}». Посмотрите причину и повторите: {url}',
  noticeSyncFailing:
    'Stockbridge: последние {count} синхронизаций источника «{source}» завершились ошибкой ({reason}). Проверьте его: {url}',
};

const ALL: Record<Language, Messages> = { en: EN, ru: RU };

export const messagesFor = (lang: Language): Messages => ALL[lang];

/** A message with its `{name}` placeholders filled. */
export const fillMessage = (text: string, vars: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (_, k: string) => (vars[k] === undefined ? '' : String(vars[k])));
