#include "widgets.h"

#include <memory>

#include <QDialog>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLayout>
#include <QSettings>
#include <QSplitter>
#include <QTableView>

#include "itemroles.h"
#include "servicemodel.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

MessageBanner::MessageBanner(QWidget *parent)
    : QLabel(parent)
{
    setWordWrap(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setVisible(false);
}

void MessageBanner::present(Kind kind, const QString &style, const QString &text)
{
    m_kind = kind;
    setStyleSheet(style);
    setText(text);
    setVisible(true);
    // A dialog laid out before the text arrived would cut a long refusal mid-sentence: grow it to fit.
    QWidget *top = window();
    if (top && top != this && qobject_cast<QDialog *>(top) && top->layout()) {
        top->layout()->activate();
        const int needed = top->layout()->hasHeightForWidth() ? top->layout()->totalHeightForWidth(top->width())
                                                              : top->sizeHint().height();
        if (needed > top->height()) {
            top->resize(top->width(), needed);
        }
    }
}

void MessageBanner::showError(const QString &text)
{
    present(Kind::Error, u"QLabel { color: #b71c1c; background: #fdecea; border: 1px solid #f5c2c0; padding: 4px; }"_s,
            text);
}

void MessageBanner::showWarning(const QString &text)
{
    present(Kind::Warning,
            u"QLabel { color: #7a4f01; background: #fff4e5; border: 1px solid #ffd591; padding: 4px; }"_s, text);
}

void MessageBanner::showInfo(const QString &text)
{
    present(Kind::Info, u"QLabel { color: #1b5e20; background: #edf7ed; border: 1px solid #c3e6cb; padding: 4px; }"_s,
            text);
}

void MessageBanner::clearMessage()
{
    m_kind = Kind::None;
    clear();
    setVisible(false);
}

// ---------------------------------------------------------------------------------------------------------------

ServiceCombo::ServiceCombo(ServiceModel *services, bool allowAll, QWidget *parent)
    : QComboBox(parent)
    , m_services(services)
    , m_allowAll(allowAll)
{
    setSizeAdjustPolicy(QComboBox::AdjustToContents);
    setMinimumContentsLength(16);
    if (services) {
        connect(services, &QAbstractItemModel::modelReset, this, &ServiceCombo::rebuild);
        connect(services, &QAbstractItemModel::rowsInserted, this, &ServiceCombo::rebuild);
        connect(services, &QAbstractItemModel::rowsRemoved, this, &ServiceCombo::rebuild);
        connect(services, &QAbstractItemModel::dataChanged, this, &ServiceCombo::rebuild);
        connect(services, &PagedSqlModelBase::pageLoaded, this, &ServiceCombo::rebuild);
    }
    connect(this, &QComboBox::currentIndexChanged, this, &ServiceCombo::handleIndexChanged);
    rebuild();
}

QString ServiceCombo::currentSid() const
{
    return currentData().toString();
}

void ServiceCombo::setCurrentSid(const QString &sid)
{
    const int i = findData(sid);
    if (i >= 0) {
        setCurrentIndex(i);
    }
}

void ServiceCombo::rebuild()
{
    if (!m_services) {
        return;
    }
    if (m_services->canFetchMore({})) {
        m_services->fetchMore({});
    }
    const QString keep = m_lastSid;
    m_rebuilding = true;
    clear();
    if (m_allowAll) {
        addItem(tr("All services"), QString());
    }
    for (const Service &s : m_services->rows()) {
        addItem(s.uniqueName, s.sid);
    }
    int i = findData(keep);
    if (i < 0) {
        i = count() > 0 ? 0 : -1;
    }
    setCurrentIndex(i);
    m_rebuilding = false;
    handleIndexChanged();
}

void ServiceCombo::handleIndexChanged()
{
    if (m_rebuilding) {
        return;
    }
    const QString sid = currentSid();
    if (sid == m_lastSid) {
        return;
    }
    m_lastSid = sid;
    Q_EMIT serviceChanged(sid);
}

// ---------------------------------------------------------------------------------------------------------------

QTableView *makeTable(QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view->setShowGrid(false);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    // Tab moves on to the next control (the arrow keys move within the table), so the keyboard never gets stuck.
    view->setTabKeyNavigation(false);
    view->verticalHeader()->setVisible(false);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setHighlightSections(false);
    view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    return view;
}

void enableSorting(QTableView *view)
{
    QHeaderView *header = view->horizontalHeader();
    header->setSortIndicatorClearable(true);
    header->setSortIndicator(-1, Qt::DescendingOrder);
    view->setSortingEnabled(true);

    struct State
    {
        int section = -1;
        Qt::SortOrder order = Qt::DescendingOrder;
        QString pressedSid; // the current row when the header was pressed, to select again after the new order
    };
    auto state = std::make_shared<State>();
    QObject::connect(header, &QHeaderView::sectionPressed, view,
                     [view, state](int) { state->pressedSid = currentSid(view); });
    QObject::connect(
        header, &QHeaderView::sortIndicatorChanged, view, [view, header, state](int section, Qt::SortOrder order) {
            QAbstractItemModel *model = view->model();
            const QVariant sortable =
                model && section >= 0 ? model->headerData(section, Qt::Horizontal, SortableRole) : QVariant();
            if (sortable.isValid() && !sortable.toBool()) {
                // The model ignored it; the indicator goes back to the order that is shown.
                header->setSortIndicator(state->section, state->order);
                return;
            }
            state->section = section;
            state->order = order;
            auto *paged = qobject_cast<PagedSqlModelBase *>(model);
            const QString sid = std::exchange(state->pressedSid, QString());
            if (!paged || sid.isEmpty()) {
                return;
            }
            auto connection = std::make_shared<QMetaObject::Connection>();
            *connection = QObject::connect(paged, &PagedSqlModelBase::pageLoaded, view,
                                           [view, paged, sid, connection](int, bool first) {
                                               if (!first) {
                                                   return;
                                               }
                                               QObject::disconnect(*connection);
                                               const int row = paged->rowOfSid(sid);
                                               if (row >= 0) {
                                                   view->selectRow(row);
                                                   view->scrollTo(paged->index(row, 0));
                                               }
                                           });
        });
}

void saveViewState(QSettings &settings, const QString &key, QTableView *view)
{
    settings.setValue(key + u"/header"_s, view->horizontalHeader()->saveState());
}

void restoreViewState(QSettings &settings, const QString &key, QTableView *view)
{
    const QByteArray state = settings.value(key + u"/header"_s).toByteArray();
    if (state.isEmpty()) {
        return;
    }
    // The saved state carries a sort indicator too; the view must not sort by it (see enableSorting).
    const bool sorting = view->isSortingEnabled();
    QHeaderView *header = view->horizontalHeader();
    const int section = header->sortIndicatorSection();
    const Qt::SortOrder order = header->sortIndicatorOrder();
    view->setSortingEnabled(false);
    header->restoreState(state);
    header->setSortIndicator(section, order);
    if (sorting) {
        view->setSortingEnabled(true);
    }
}

void saveSplitterState(QSettings &settings, const QString &key, QSplitter *splitter)
{
    settings.setValue(key + u"/splitter"_s, splitter->saveState());
}

void restoreSplitterState(QSettings &settings, const QString &key, QSplitter *splitter)
{
    const QByteArray state = settings.value(key + u"/splitter"_s).toByteArray();
    if (!state.isEmpty()) {
        splitter->restoreState(state);
    }
}

QString currentSid(QTableView *view)
{
    const QModelIndex i = view->currentIndex();
    if (!i.isValid() || !view->selectionModel()->isRowSelected(i.row(), i.parent())) {
        return {};
    }
    return i.siblingAtColumn(0).data(SidRole).toString();
}

} // namespace Maskline
